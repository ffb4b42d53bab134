/** Calls `fn` with the latest argument at most once per `ms` (leading and trailing). */
export function throttleLatest<T>(fn: (value: T) => void, ms: number): (value: T) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: { value: T } | null = null;
  let last = 0;
  const fire = () => {
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    last = Date.now();
    fn(value);
  };
  return (value) => {
    pending = { value };
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    if (wait === 0) fire();
    else timer = setTimeout(fire, wait);
  };
}
