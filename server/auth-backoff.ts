/**
 * Slows guessing: every failed sign-in or wrong token counts against the client's address (and, for the admin
 * token, against the admin account). After a few free failures each further one locks the key for a window that
 * doubles up to a cap; while any of a request's keys is locked it gets 429 with Retry-After and its credential is not
 * even checked, so a guess in a locked window tells the guesser nothing. A quiet key is forgotten.
 */
import { BoundedMap } from './bounded-map';
import { HttpError } from './http-utils';

export interface BackoffPolicy {
  /** Failures per key before the first lockout. */
  freeFailures: number;
  /** The first lockout; each further failure doubles it. */
  baseMs: number;
  /** The longest lockout. */
  maxMs: number;
  /** A key with no failure for this long starts again from zero. */
  forgetMs: number;
  /** Keys remembered; the least recently used is forgotten beyond it. */
  maxKeys: number;
}

export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = {
  freeFailures: 5,
  baseMs: 1000,
  maxMs: 10 * 60_000,
  forgetMs: 60 * 60_000,
  maxKeys: 10_000,
};

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export class AuthBackoff {
  private readonly records: BoundedMap<string, FailureRecord>;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly now: () => number,
  ) {
    this.records = new BoundedMap(policy.maxKeys);
  }

  /** Throws 429 with Retry-After while any of the keys is locked. */
  assertAllowed(keys: readonly string[]): void {
    const now = this.now();
    const waitMs = Math.max(0, ...keys.map((key) => (this.records.get(key)?.lockedUntil ?? 0) - now));
    if (waitMs <= 0) return;
    const seconds = Math.ceil(waitMs / 1000);
    throw new HttpError(429, `too many failed sign-ins; try again in ${seconds} s`, { 'Retry-After': String(seconds) });
  }

  /** Counts a failure against each key. */
  fail(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const known = this.records.get(key);
      const record =
        known && now - known.lastFailureAt < this.policy.forgetMs
          ? known
          : { failures: 0, lastFailureAt: now, lockedUntil: 0 };
      record.failures++;
      record.lastFailureAt = now;
      const over = record.failures - this.policy.freeFailures;
      if (over > 0) {
        // 2^over overflows to Infinity long after the cap: Math.min keeps it finite.
        record.lockedUntil = now + Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** (over - 1));
      }
      this.records.set(key, record);
    }
  }

  /** A success clears a key (the account's, never the address's: one valid token must not buy more guesses). */
  clear(key: string): void {
    this.records.delete(key);
  }
}
