/** The background's JS heap while events stream in, after a forced GC, where the browser tells (Chromium). */
import { USER, waitFor } from '../tests/drivers/test-server';
import { getTitleCount } from '../tests/drivers/badge-title';
import { offersProbe, startHarness, type BenchBrowser } from './harness';

export interface HeapResult {
  /** [events so far, used heap bytes] */
  samples: Array<[number, number]>;
}

/** Null when the browser offers automation no heap reading (Firefox). */
export async function measureBackgroundHeap(
  browser: BenchBrowser,
  events: number,
  samples = 4,
): Promise<HeapResult | null> {
  if (!offersProbe(browser)) return null;
  // No baseline page and no titles kept: nothing of the bench's own weighs on the heap.
  const h = await startHarness(browser, { baseline: false, titlesKept: 0 });
  try {
    const probe = (await h.openProbe())!;
    const result: HeapResult = { samples: [[0, await probe.heapBytes()]] };
    const step = Math.ceil(events / samples);
    for (let sent = 0; sent < events;) {
      const batch = Math.min(step, events - sent);
      for (let i = 0; i < batch; i++) {
        await h.server.live.store.publish(USER.username, {
          notice_type: (i % 5) as 0 | 1 | 2 | 3 | 4,
          title: `event ${sent + i}`,
          content: 'x'.repeat(200),
        });
        if (i % 250 === 249) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      sent += batch;
      const expected = (await h.server.live.store.unreadCounts(USER.username)).likes;
      await waitFor(
        () => h.badge(),
        (badge) => getTitleCount(badge.title, 'likes') === expected,
        `background caught up at ${sent}`,
        30_000,
      );
      result.samples.push([sent, await probe.heapBytes()]);
    }
    return result;
  } finally {
    await h.close();
  }
}
