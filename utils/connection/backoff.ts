/** Reconnection delays (protocol §7.4): exponential with full jitter, capped, never giving up. */

export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
/**
 * The first retries stay within one base delay: a server restart (the common outage) is over in a second or two,
 * and a client that had doubled its wait twice would sit out most of a 4-8 s window after the server is back.
 */
const FAST_RETRIES = 3;

/**
 * Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a uniform delay in
 * [0, min(cap, base · 2^(attempt - FAST_RETRIES + 1))], the exponent never below 0, so many clients cut off
 * together do not come back together.
 */
export function getBackoffDelay(attempt: number, random: () => number, baseMs = BASE_DELAY_MS, capMs = MAX_DELAY_MS) {
  const exponent = Math.min(Math.max(0, attempt - FAST_RETRIES + 1), 30);
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** exponent));
}
