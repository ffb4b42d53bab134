import { realClock, type Clock } from './clock';

/** Calls `fn` with the latest argument at most once per `ms` (leading and trailing). */
export function throttleLatest<T>(fn: (value: T) => void, ms: number, clock: Clock = realClock): (value: T) => void {
  let timer: unknown = null;
  let pending: { value: T } | null = null;
  let last = -Infinity;
  const fire = () => {
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    last = clock.now();
    fn(value);
  };
  return (value) => {
    pending = { value };
    if (timer !== null) return;
    const wait = Math.max(0, last + ms - clock.now());
    if (wait === 0) fire();
    else timer = clock.setTimeout(fire, wait);
  };
}
