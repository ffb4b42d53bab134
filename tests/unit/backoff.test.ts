import { describe, expect, it } from 'vitest';
import { getBackoffDelay, MAX_DELAY_MS } from '@/utils/connection/backoff';
import { parseRetryAfter } from '@/utils/connection/server-input';

describe('getBackoffDelay', () => {
  it('stays within 1 s for the first three tries, then grows exponentially, capped at 30 s', () => {
    const top = (attempt: number) => getBackoffDelay(attempt, () => 0.999999);
    expect([0, 1, 2].map(top)).toEqual([999, 999, 999]);
    expect(top(3)).toBe(1999);
    expect(top(5)).toBe(7999);
    expect(top(7)).toBe(29_999);
    expect(top(50)).toBe(MAX_DELAY_MS - 1);
    expect(top(10_000)).toBe(MAX_DELAY_MS - 1);
  });

  it('is full jitter: anywhere from 0 to the ceiling', () => {
    expect(getBackoffDelay(4, () => 0)).toBe(0);
    expect(getBackoffDelay(6, () => 0.5)).toBe(8000);
    for (let attempt = 0; attempt < 12; attempt++) {
      for (let i = 0; i < 50; i++) {
        const delay = getBackoffDelay(attempt, Math.random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.max(0, attempt - 2)));
      }
    }
  });

  it('uses the server retry: value as base', () => {
    expect(getBackoffDelay(0, () => 0.5, 4000)).toBe(2000);
    expect(getBackoffDelay(5, () => 0.5, 4000)).toBe(15_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('returns null for missing or invalid values', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});
