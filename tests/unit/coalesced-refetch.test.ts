import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescedRefetch, DEFAULT_MIN_INTERVAL_MS, HEDGE_AFTER_MS } from '@/utils/background/coalesced-refetch';

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

  it('turns a burst of 1,000 asks within a second into at most 6 requests, the last after the last ask', async () => {
    // 100 steps of 10 asks: all at once, or spread over 0.1 s, 0.5 s or 1 s.
    for (const gapMs of [0, 1, 5, 10]) {
      const { started, refetch } = gatedRefetch(true);
      const calls: Array<Promise<void>> = [];
      let lastAskAt = 0;
      for (let i = 0; i < 1000; i++) {
        calls.push(refetch('likes'));
        lastAskAt = Date.now();
        if (gapMs > 0 && i % 10 === 9) await vi.advanceTimersByTimeAsync(gapMs);
      }
      await vi.advanceTimersByTimeAsync(DEFAULT_MIN_INTERVAL_MS);
      await Promise.all(calls);
      expect(started.length, `gap ${gapMs} ms`).toBeLessThanOrEqual(6);
      expect(started.at(-1)!.at, `gap ${gapMs} ms`).toBeGreaterThanOrEqual(lastAskAt);
      expect(started.at(-1)!.at - lastAskAt).toBeLessThanOrEqual(DEFAULT_MIN_INTERVAL_MS);
      vi.setSystemTime(Date.now() + 10_000);
    }
  });

  it('at any steady rate: at most 4 requests a second, each ask answered by a request started within 275 ms', async () => {
    for (const perSecond of [10, 50, 200]) {
      const { started, refetch } = gatedRefetch(true);
      const step = 1000 / perSecond;
      const asks: number[] = [];
      for (let t = 0; t < 3000; t += step) {
        asks.push(Date.now());
        void refetch('likes');
        await vi.advanceTimersByTimeAsync(step);
      }
      await vi.advanceTimersByTimeAsync(DEFAULT_MIN_INTERVAL_MS);
      const starts = started.map((s) => s.at);
      for (let second = 0; second < 3; second++) {
        const inSecond = starts.filter(
          (at) => at >= starts[0]! + second * 1000 && at < starts[0]! + (second + 1) * 1000,
        );
        expect(inSecond.length, `${perSecond}/s`).toBeLessThanOrEqual(4);
      }
      for (const at of asks) {
        const answeredBy = starts.find((s) => s >= at);
        expect(answeredBy, `${perSecond}/s`).toBeDefined();
        expect(answeredBy! - at).toBeLessThanOrEqual(DEFAULT_MIN_INTERVAL_MS);
      }
      vi.setSystemTime(Date.now() + 10_000);
    }
  });

  it('waits for a request in flight while it is young (no overlap); keys are independent', async () => {
    const { gates, started, refetch } = gatedRefetch();
    void refetch('likes');
    void refetch('stars');
    const trailing = refetch('likes');
    await vi.advanceTimersByTimeAsync(DEFAULT_MIN_INTERVAL_MS * 4);
    expect(started.map((s) => s.key)).toEqual(['likes', 'stars']); // the first likes request is still open
    gates[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((s) => s.key)).toEqual(['likes', 'stars', 'likes']);
    gates[2]!.resolve();
    await trailing;
  });

  it('hedges a slow request: a newer ask starts a second one beside it, never a third', async () => {
    const { gates, started, refetch } = gatedRefetch();
    void refetch('likes'); // hangs
    await vi.advanceTimersByTimeAsync(500);
    const hedged = refetch('likes');
    await vi.advanceTimersByTimeAsync(HEDGE_AFTER_MS - 500 - 1);
    expect(started).toHaveLength(1); // young until HEDGE_AFTER_MS
    await vi.advanceTimersByTimeAsync(1);
    expect(started.map((s) => s.at)).toEqual([0, HEDGE_AFTER_MS]);
    gates[1]!.resolve();
    await hedged; // answered while the first still hangs
    // Asks keep coming while the first hangs and each hedge hangs too: two at once at most, at the limiter's rate.
    for (let t = 0; t < 10_000; t += 100) {
      void refetch('likes');
      await vi.advanceTimersByTimeAsync(100);
    }
    // One more hedge beside the first, then nothing while both hang.
    expect(started).toHaveLength(3);
    gates[2]!.resolve();
    await vi.advanceTimersByTimeAsync(DEFAULT_MIN_INTERVAL_MS);
    expect(started).toHaveLength(4); // a slot freed: the asks go on
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
    await vi.advanceTimersByTimeAsync(DEFAULT_MIN_INTERVAL_MS);
    await secondFails;
    expect(calls).toBe(2);
  });
});
