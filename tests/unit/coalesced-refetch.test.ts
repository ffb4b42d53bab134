import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescedRefetch, DEFAULT_MAX_WAIT_MS, DEFAULT_QUIET_MS } from '@/utils/background/coalesced-refetch';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A refetch whose requests finish only when the test opens their gate (or at once with `autoOpen`). */
function gatedRefetch(autoOpen = false) {
  const gates: Array<ReturnType<typeof deferred>> = [];
  const started: Array<{ key: string; at: number }> = [];
  const refetch = createCoalescedRefetch<string>((key) => {
    started.push({ key, at: Date.now() });
    const gate = deferred();
    gates.push(gate);
    if (autoOpen) gate.resolve();
    return gate.promise;
  });
  return { gates, started, refetch };
}

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('createCoalescedRefetch', () => {
  it('starts a lone request at once', () => {
    const { started, refetch } = gatedRefetch();
    void refetch('likes');
    expect(started).toEqual([{ key: 'likes', at: 0 }]);
  });

  it('turns a burst of 1,000 asks within a second into one request at once plus one trailing', async () => {
    // 100 steps of 10 asks: all at once, or spread over 0.1 s, 0.5 s or 1 s.
    for (const gapMs of [0, 1, 5, 10]) {
      const { started, refetch } = gatedRefetch(true);
      const calls: Array<Promise<void>> = [];
      for (let i = 0; i < 1000; i++) {
        calls.push(refetch('likes'));
        if (gapMs > 0 && i % 10 === 9) await vi.advanceTimersByTimeAsync(gapMs);
      }
      await vi.advanceTimersByTimeAsync(DEFAULT_MAX_WAIT_MS);
      await Promise.all(calls);
      expect(started.length, `gap ${gapMs} ms`).toBe(2);
      vi.setSystemTime(Date.now() + 10_000);
    }
  });

  it('starts the trailing request once asks are quiet, bounded by the maximum wait', async () => {
    const { started, refetch } = gatedRefetch(true);
    void refetch('x');
    void refetch('x');
    await vi.advanceTimersByTimeAsync(DEFAULT_QUIET_MS - 1);
    expect(started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(started.map((s) => s.at)).toEqual([0, DEFAULT_QUIET_MS]);

    // A never-ending trickle still gets a fresh answer at least every maxWait.
    const trickle = gatedRefetch(true);
    for (let t = 0; t < 5000; t += 50) {
      void trickle.refetch('y');
      await vi.advanceTimersByTimeAsync(50);
    }
    const gaps = trickle.started.slice(1).map((s, i) => s.at - trickle.started[i]!.at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DEFAULT_MAX_WAIT_MS + 50);
  });

  it('never overlaps requests for a key; keys are independent', async () => {
    const { gates, started, refetch } = gatedRefetch();
    void refetch('likes');
    void refetch('stars');
    const trailing = refetch('likes');
    await vi.advanceTimersByTimeAsync(DEFAULT_MAX_WAIT_MS);
    expect(started.map((s) => s.key)).toEqual(['likes', 'stars']); // the first likes request is still open
    gates[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((s) => s.key)).toEqual(['likes', 'stars', 'likes']);
    gates[2]!.resolve();
    await trailing;
  });

  it('still runs the trailing request when the first one failed, and reports its own failure', async () => {
    let calls = 0;
    const refetch = createCoalescedRefetch<string>(async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    const first = refetch('x');
    const second = refetch('x');
    const secondFails = expect(second).rejects.toThrow('boom 2');
    await expect(first).rejects.toThrow('boom 1');
    await vi.advanceTimersByTimeAsync(DEFAULT_QUIET_MS);
    await secondFails;
    expect(calls).toBe(2);
  });
});
