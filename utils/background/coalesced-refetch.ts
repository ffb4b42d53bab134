/**
 * Refetch coalescing per key (a category). The first request after a calm period starts at once, so a single event
 * costs one request with no delay. Requests asked for while one is in flight, or soon after one started, are merged
 * into one trailing request that starts when the asks have been quiet for `quietMs` (but at most `maxWaitMs` after
 * the first of them) and never overlaps the one in flight. A burst of 1,000 events thus costs two requests per
 * category, and the last answer reflects the server's state after the burst.
 */
import { realClock, withSafeDelays, type Clock } from '../lib/clock';

export interface CoalesceOptions {
  quietMs?: number;
  maxWaitMs?: number;
  clock?: Clock;
}

interface KeyState {
  inFlight: Promise<void> | null;
  lastStartedAt: number;
  pending: { promise: Promise<void>; start(): void; firstAskedAt: number; timer: unknown } | null;
}

export const DEFAULT_QUIET_MS = 100;
export const DEFAULT_MAX_WAIT_MS = 2000;

export function createCoalescedRefetch<K>(run: (key: K) => Promise<void>, options: CoalesceOptions = {}) {
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const clock = withSafeDelays(options.clock ?? realClock);
  const now = () => clock.now();
  const states = new Map<K, KeyState>();

  const start = (key: K, state: KeyState): Promise<void> => {
    state.lastStartedAt = now();
    const promise = run(key).finally(() => {
      if (state.inFlight === promise) state.inFlight = null;
    });
    state.inFlight = promise;
    return promise;
  };

  /** Resolves once a request that started after this call has finished (or failed: `run` reports its errors). */
  return function refetch(key: K): Promise<void> {
    let state = states.get(key);
    if (!state) states.set(key, (state = { inFlight: null, lastStartedAt: -Infinity, pending: null }));
    const current = state;
    if (!current.inFlight && !current.pending && now() - current.lastStartedAt >= quietMs) return start(key, current);

    if (!current.pending) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      current.pending = {
        promise,
        firstAskedAt: now(),
        timer: null,
        start() {
          current.pending = null;
          const begin = () => start(key, current).then(resolve, reject);
          // Never two requests at once for a key: the trailing one waits for the one in flight.
          if (current.inFlight) void current.inFlight.catch(() => {}).then(begin);
          else void begin();
        },
      };
    }
    const pending = current.pending;
    if (pending.timer !== null) clock.clearTimeout(pending.timer);
    const fireAt = Math.min(now() + quietMs, pending.firstAskedAt + maxWaitMs);
    pending.timer = clock.setTimeout(() => pending.start(), Math.max(0, fireAt - now()));
    return pending.promise;
  };
}
