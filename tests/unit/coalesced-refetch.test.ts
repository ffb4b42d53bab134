import { describe, expect, it } from 'vitest';
import { createCoalescedRefetch } from '@/utils/coalesced-refetch';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A refetch whose requests finish only when the test opens their gate. */
function gatedRefetch() {
  const gates: Array<ReturnType<typeof deferred>> = [];
  const started: string[] = [];
  const refetch = createCoalescedRefetch<string>((key) => {
    started.push(key);
    const gate = deferred();
    gates.push(gate);
    return gate.promise;
  });
  return { gates, started, refetch };
}

describe('createCoalescedRefetch', () => {
  it('turns a burst of 1,000 calls into one request in flight plus one trailing', async () => {
    const { gates, started, refetch } = gatedRefetch();
    const calls = Array.from({ length: 1000 }, () => refetch('likes'));
    expect(started).toEqual(['likes']);
    gates[0]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['likes', 'likes']);
    gates[1]!.resolve();
    await Promise.all(calls);
    expect(started).toHaveLength(2);
  });

  it('keeps keys independent, and runs again for calls after the trailing one started', async () => {
    const { gates, started, refetch } = gatedRefetch();
    void refetch('likes');
    void refetch('stars');
    void refetch('likes');
    expect(started).toEqual(['likes', 'stars']);
    gates[0]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['likes', 'stars', 'likes']);
    const late = refetch('likes'); // the trailing one is in flight now: this needs one more
    gates[2]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['likes', 'stars', 'likes', 'likes']);
    gates[3]!.resolve();
    await late;
  });

  it('still runs the trailing request when the first one failed', async () => {
    let calls = 0;
    const refetch = createCoalescedRefetch<string>(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
    });
    const first = refetch('x');
    const second = refetch('x');
    await expect(first).rejects.toThrow('boom');
    await second;
    expect(calls).toBe(2);
  });
});
