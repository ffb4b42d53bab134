/** Reconnection delays (protocol §7.4): exponential with full jitter, capped, never giving up. */

export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;

/**
 * Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a uniform delay in
 * [0, min(cap, base · 2^attempt)], so many clients cut off together do not come back together.
 */
export function getBackoffDelay(attempt: number, random: () => number, baseMs = BASE_DELAY_MS, capMs = MAX_DELAY_MS) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null if absent/invalid. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date starts with a day name ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone would take "-5" as a year.
  if (!/^[A-Za-z]{3},/.test(value)) return null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
