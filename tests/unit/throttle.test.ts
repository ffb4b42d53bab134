import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleLatest } from '@/utils/lib/throttle';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('throttleLatest', () => {
  it('calls at once, then at most once per interval with the latest value', () => {
    const calls: number[] = [];
    const throttled = throttleLatest((value: number) => calls.push(value), 50);
    throttled(1);
    expect(calls).toEqual([1]);
    for (let i = 2; i <= 10; i++) throttled(i);
    expect(calls).toEqual([1]);
    vi.advanceTimersByTime(50);
    expect(calls).toEqual([1, 10]);
    vi.advanceTimersByTime(500);
    throttled(11);
    expect(calls).toEqual([1, 10, 11]);
  });
});
