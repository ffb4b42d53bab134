/**
 * Refetch rate limiting per key (a category), for servers that send no `unread_count` in their events. The first ask
 * after a calm period starts a request at once, so a single event costs one request with no delay. Asks while a
 * request is in flight, or less than `minIntervalMs` after one started, are merged into one trailing request that
 * starts as soon as both have passed (or, when the one in flight is slow, beside it: HEDGE_AFTER_MS). So a key costs at most 1000 / minIntervalMs requests a second at any event rate
 * (3.6 with the default), the badge is never more than about `minIntervalMs` plus one round trip behind, and the last
 * answer reflects the server's state after the last ask.
 */
import { REST_DEADLINE_MS } from '../connection/server-input';
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
  /** Requests in flight: one, or two while a hedge runs beside one that is slow. */
  inFlight: Set<Promise<void>>;
  lastStartedAt: number;
  pending: Pending | null;
}

/**
 * 275 ms: at most 4 count requests a second per category even when network jitter brings two arrivals closer than they
 * left (4 × 250 would leave no room), and a badge at most ~275 ms plus a round trip stale (issue #17: p99 ≤ 300 ms).
 */
export const DEFAULT_MIN_INTERVAL_MS = LEGACY_REFETCH_MIN_INTERVAL_MS;
/**
 * A request in flight this long is slow (a healthy server answers a count in milliseconds): a newer ask no longer
 * waits for it, but starts a second request beside it (a hedge), and whichever answer is newer wins (the reducer
 * orders them). Without this, one hung request would hold its category until its 15 s deadline.
 */
export const HEDGE_AFTER_MS = 2_000;
/** Never more than this many requests at once per key: the original and one hedge. */
const MAX_IN_FLIGHT = 2;

export function createCoalescedRefetch<K>(run: (key: K) => Promise<void>, options: RefetchLimitOptions = {}) {
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const clock = options.clock ?? realClock;
  const states = new Map<K, KeyState>();

  const start = (key: K, state: KeyState): Promise<void> => {
    state.lastStartedAt = clock.now();
    const promise = run(key).finally(() => state.inFlight.delete(promise));
    state.inFlight.add(promise);
    return promise;
  };

  /** Resolves when a request in flight settles, or after `ms`, whichever comes first. */
  const settledOrAfter = (state: KeyState, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = clock.setTimeout(resolve, ms);
      void Promise.race([...state.inFlight].map((request) => request.catch(() => {}))).then(() => {
        clock.clearTimeout(timer);
        resolve();
      });
    });

  /** Starts the merged trailing request once the interval has passed and no request in flight should be awaited. */
  const scheduleTrailing = (key: K, state: KeyState, pending: Pending): void => {
    const fire = () => {
      state.pending = null;
      start(key, state).then(pending.resolve, pending.reject);
    };
    // Wait for a request in flight while it is young (its answer will be fresh); hedge once it is slow; never more
    // than MAX_IN_FLIGHT at once. REST calls have a deadline, so every wait is bounded.
    const whenDue = (): void => {
      if (state.inFlight.size === 0) return fire();
      const slowIn = state.lastStartedAt + HEDGE_AFTER_MS - clock.now();
      if (state.inFlight.size < MAX_IN_FLIGHT && slowIn <= 0) return fire();
      void settledOrAfter(state, state.inFlight.size < MAX_IN_FLIGHT ? slowIn : REST_DEADLINE_MS).then(whenDue);
    };
    const wait = Math.max(0, state.lastStartedAt + minIntervalMs - clock.now());
    clock.setTimeout(whenDue, wait);
  };

  /** Resolves once a request that started after this call has finished (or failed: `run` reports its errors). */
  return function refetch(key: K): Promise<void> {
    let state = states.get(key);
    if (!state) states.set(key, (state = { inFlight: new Set(), lastStartedAt: -Infinity, pending: null }));
    const calm = state.inFlight.size === 0 && !state.pending && clock.now() - state.lastStartedAt >= minIntervalMs;
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
