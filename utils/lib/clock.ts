/** Time as one injectable effect, so the core runs under fake clocks in unit tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The longest delay a timer holds. Browsers and Node keep it in a signed 32-bit integer: a longer delay (about 24.8
 * days) overflows and fires at once (HTML timers, "timer initialisation steps"; Node's TimeoutOverflowWarning), which
 * turns any huge wait into a storm.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A delay any timer can hold: never negative, never past the 32-bit limit; not a number is no delay. */
export function clampTimerDelay(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  return Math.min(Math.max(ms, 0), MAX_TIMER_DELAY_MS);
}

/**
 * The global clock and timers, looked up at call time (so test fakes installed later still apply). Every delay is
 * clamped here, where the clock is made, so no timer of Beacon's can fire early because of overflow.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, clampTimerDelay(ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
