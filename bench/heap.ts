/**
 * Service-worker JS heap while events stream in, over CDP `Runtime.getHeapUsage` after a forced GC. Playwright
 * cannot open a CDP session on a service worker, so this part drives Chromium with puppeteer-core.
 */
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';
import { launchSignedInWorker } from './chromium-worker';

export interface HeapResult {
  /** [events so far, used heap bytes] */
  samples: Array<[number, number]>;
}

export async function measureWorkerHeap(events: number, samples = 4): Promise<HeapResult> {
  const server = await TestServer.start();
  const { browser, target, title: badgeTitle } = await launchSignedInWorker(server);
  try {
    const cdp = await target.createCDPSession();
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const result: HeapResult = { samples: [[0, await heap()]] };
    const step = Math.ceil(events / samples);
    for (let sent = 0; sent < events;) {
      const batch = Math.min(step, events - sent);
      for (let i = 0; i < batch; i++) {
        await server.live.store.publish(USER.username, {
          notice_type: (i % 5) as 0 | 1 | 2 | 3 | 4,
          title: `event ${sent + i}`,
          content: 'x'.repeat(200),
        });
        if (i % 250 === 249) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      sent += batch;
      const expected = (await server.live.store.unreadCounts(USER.username)).likes;
      await waitFor(
        badgeTitle,
        (title) => title.includes(`Likes: ${expected}\n`),
        `worker caught up at ${sent}`,
        30_000,
      );
      result.samples.push([sent, await heap()]);
    }
    return result;
  } finally {
    await browser.close();
    await server.dispose();
  }
}
