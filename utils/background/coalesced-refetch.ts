/**
 * Refetch rate limiting per key (a category), for servers that send no `unread_count` in their events. The first ask
 * after a calm period starts a request at once, so a single event costs one request with no delay. Asks while a
 * request is in flight, or less than `minIntervalMs` after one started, are merged into one trailing request that
 * starts as soon as both have passed. So a key costs at most 1000 / minIntervalMs requests a second at any event rate
 * (3.6 with the default), the badge is never more than about `minIntervalMs` plus one round trip behind, and the last
 * answer reflects the server's state after the last ask.
 */
import { realClock, type Clock } from '../lib/clock';
import { LEGACY_REFETCH_MIN_INTERVAL_MS } from '../protocol/wire';

export interface RefetchLimitOptions {
  minIntervalMs?: number;
  clock?: Clock;
}

interface Pending {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

interface KeyState {
  inFlight: Promise<void> | null;
  lastStartedAt: number;
  pending: Pending | null;
}

/**
 * 275 ms: at most 4 count requests a second per category even when network jitter brings two arrivals closer than they
 * left (4 × 250 would leave no room), and a badge at most ~275 ms plus a round trip stale (issue #17: p99 ≤ 300 ms).
 */
export const DEFAULT_MIN_INTERVAL_MS = LEGACY_REFETCH_MIN_INTERVAL_MS;

export function createCoalescedRefetch<K>(run: (key: K) => Promise<void>, options: RefetchLimitOptions = {}) {
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const clock = options.clock ?? realClock;
  const states = new Map<K, KeyState>();

  const start = (key: K, state: KeyState): Promise<void> => {
    state.lastStartedAt = clock.now();
    const promise = run(key).finally(() => {
      if (state.inFlight === promise) state.inFlight = null;
    });
    state.inFlight = promise;
    return promise;
  };

  /** Starts the merged trailing request once the interval has passed and the request in flight has ended. */
  const scheduleTrailing = (key: K, state: KeyState, pending: Pending): void => {
    const fire = () => {
      state.pending = null;
      start(key, state).then(pending.resolve, pending.reject);
    };
    const wait = Math.max(0, state.lastStartedAt + minIntervalMs - clock.now());
    clock.setTimeout(() => {
      // Never two requests at once for a key: the trailing one waits for the one in flight (REST calls have a
      // deadline, so this wait is bounded).
      if (state.inFlight) void state.inFlight.catch(() => {}).then(fire);
      else fire();
    }, wait);
  };

  /** Resolves once a request that started after this call has finished (or failed: `run` reports its errors). */
  return function refetch(key: K): Promise<void> {
    let state = states.get(key);
    if (!state) states.set(key, (state = { inFlight: null, lastStartedAt: -Infinity, pending: null }));
    const calm = !state.inFlight && !state.pending && clock.now() - state.lastStartedAt >= minIntervalMs;
    if (calm) return start(key, state);
    if (!state.pending) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      state.pending = { promise, resolve, reject };
      scheduleTrailing(key, state, state.pending);
    }
    return state.pending.promise;
  };
}
