/**
 * At most one request in flight per key, plus one trailing request for everything asked meanwhile: a burst of
 * 1,000 events costs at most two requests per category, and the last answer is the server's latest state.
 */
export function createCoalescedRefetch<K>(run: (key: K) => Promise<void>) {
  const inFlight = new Map<K, Promise<void>>();
  const trailing = new Map<K, Promise<void>>();

  const start = (key: K): Promise<void> => {
    const promise = run(key).finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  };

  /** Resolves once a request that started after this call has finished (or failed: `run` reports its errors). */
  return function refetch(key: K): Promise<void> {
    const current = inFlight.get(key);
    if (!current) return start(key);
    let next = trailing.get(key);
    if (!next) {
      next = current
        .catch(() => {})
        .then(() => {
          trailing.delete(key);
          return start(key);
        });
      trailing.set(key, next);
    }
    return next;
  };
}
