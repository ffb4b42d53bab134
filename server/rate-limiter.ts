/** A per-key rate limit (per user, for mark-read calls), bounded in memory. */
import { BoundedMap } from './bounded-map';
import { HttpError } from './http-utils';

/**
 * A token bucket per key (per user, for mark-read calls): `burst` calls at once, then `perSecond`. Beyond it, 429
 * with Retry-After.
 */
export class RateLimiter {
  private readonly buckets: BoundedMap<string, { tokens: number; at: number }>;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number,
    maxKeys = 10_000,
  ) {
    this.buckets = new BoundedMap(maxKeys);
  }

  take(key: string, what: string): void {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens--;
      return;
    }
    const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
    throw new HttpError(429, `too many ${what}; try again in ${seconds} s`, { 'Retry-After': String(seconds) });
  }
}
