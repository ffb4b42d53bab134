/**
 * Sustained load in Chromium: `rate` events per second with counts in the payload, spread over the five visible
 * categories, for `seconds`, then on to `totalEvents`. Measured: the worker's CPU time per event (CDP
 * sampling profiler: time not idle), last event → badge right, worker heap after a forced GC (samples along the
 * way), OS notifications created against what the planner allows (one summary per MAX_BATCH_MS batch), and the popup
 * opened during the load against the framework-free page. Puppeteer, as in heap.ts: Playwright has no CDP session on
 * a service worker.
 */
import puppeteer from 'puppeteer-core';
import { CHROMIUM_PATH } from '../tests/drivers/browsers';
import { CHROME_EXTENSION_DIR, QUIET_CHROMIUM_FLAGS } from '../tests/drivers/chromium';
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';
import { getTitleCount, isLiveTitle } from '../tests/drivers/badge-title';
import { copyExtensionWithBenchPages, FLOOR_PAGE } from './beacon-harness';
import { median, now } from './stats';

export interface SustainedResult {
  events: number;
  cpuMsPerEvent: number;
  badgeRightAfterMs: number;
  /** [events so far, used heap bytes after GC] */
  heapSamples: Array<[number, number]>;
  notificationsCreated: number;
  notificationsAllowed: number;
  popupDuringLoadMs: number | null;
  floorDuringLoadMs: number | null;
  /** [popup, floor] ms of each pair of opens made during the load. */
  pairsDuringLoad: Array<[number, number]>;
}

const CATEGORIES = ['likes', 'stars', 'comments', 'system', 'manager'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** os-notifier.ts: a batch closes at most this long after its first notice. */
const MAX_BATCH_MS = 2000;

export async function measureSustainedLoad(rate: number, seconds: number, totalEvents: number) {
  const server = await TestServer.start();
  const extensionDir = copyExtensionWithBenchPages(CHROME_EXTENSION_DIR);
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    pipe: true,
    enableExtensions: [extensionDir],
    args: QUIET_CHROMIUM_FLAGS,
  });
  try {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'),
      { timeout: 20_000 },
    );
    const worker = (await target.worker())!;
    const extensionOrigin = `chrome-extension://${new URL(target.url()).host}`;
    await worker.evaluate((settings) => chrome.storage.local.set({ settings }), {
      serverUrl: server.url,
      authMethod: 'token',
      token: USER.token,
    });
    const title = () => worker.evaluate(() => chrome.action.getTitle({}));
    await waitFor(title, (t) => isLiveTitle(t), 'live', 15_000);
    await worker.evaluate(() => {
      const scope = globalThis as unknown as { __created: number; __titles: Array<[number, string]> };
      scope.__created = 0;
      // The last titles set, with when: enough to find when the badge became right after the load.
      scope.__titles = [];
      const setTitle = chrome.action.setTitle.bind(chrome.action) as (...args: unknown[]) => unknown;
      (chrome.action as unknown as { setTitle: (...args: unknown[]) => unknown }).setTitle = (details, ...rest) => {
        scope.__titles.push([performance.timeOrigin + performance.now(), (details as { title: string }).title]);
        if (scope.__titles.length > 100) scope.__titles.splice(0, 50);
        return setTitle(details, ...rest);
      };
      const original = chrome.notifications.create.bind(chrome.notifications) as (...args: unknown[]) => unknown;
      (chrome.notifications as unknown as { create: (...args: unknown[]) => unknown }).create = (...args) => {
        scope.__created++;
        return original(...args);
      };
    });
    const cdp = await target.createCDPSession();
    // CDP's Performance domain is not offered on a service worker; the sampling profiler is. Busy time = samples
    // not in the "(idle)" node.
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    const busyMs = async () => {
      const { profile } = await cdp.send('Profiler.stop');
      const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
      const deltas = profile.timeDeltas ?? [];
      return (profile.samples ?? []).reduce((sum, node, i) => sum + (idle.has(node) ? 0 : (deltas[i] ?? 0)), 0) / 1000;
    };
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const paintOf = async (path: string) => {
      const page = await browser.newPage();
      try {
        await page.goto(`${extensionOrigin}/${path}`);
        await page.waitForFunction(() => performance.getEntriesByName('beacon:painted').length > 0, {
          timeout: 10_000,
        });
        return await page.evaluate(() => performance.getEntriesByName('beacon:painted')[0]!.startTime);
      } catch (error) {
        console.warn(`[bench] ${path} during the load did not paint: ${String(error).split('\n')[0]}`);
        return null;
      } finally {
        await page.close();
      }
    };

    const result: SustainedResult = {
      events: totalEvents,
      cpuMsPerEvent: Number.NaN,
      badgeRightAfterMs: Number.NaN,
      heapSamples: [[0, await heap()]],
      notificationsCreated: 0,
      notificationsAllowed: 0,
      popupDuringLoadMs: null,
      floorDuringLoadMs: null,
      pairsDuringLoad: [],
    };
    await cdp.send('Profiler.start');
    const sampleEvery = Math.ceil(totalEvents / 5);
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    const started = now();
    let sent = 0;
    let popupOpen: Promise<void> | null = null;
    let loading = true;
    const duringLoad: Array<[number, number]> = [];
    while (sent < totalEvents) {
      const due = Math.min(totalEvents, Math.round(((now() - started) / 1000) * rate) + perTick);
      for (; sent < due; sent++) {
        const category = sent % CATEGORIES.length;
        const { unreadCount } = await server.live.store.publish(USER.username, {
          notice_type: category as 0 | 1 | 2 | 3 | 4,
          title: `event ${sent}`,
          content: 'x'.repeat(200),
        });
        // The server keeps 1,000 items per category; read them before that, so every event changes a count.
        if (unreadCount >= 900) await server.live.store.markRead(USER.username, CATEGORIES[category]!);
        if (sent > 0 && sent % sampleEvery === 0) result.heapSamples.push([sent, await heap()]);
      }
      if (!popupOpen && now() - started > (seconds * 1000) / 4) {
        // While the load goes on: the popup and the floor page in turn, up to five of each (one at a time, so they do
        // not compete with each other), after a first open of each that warms the profile and is not counted.
        popupOpen = (async () => {
          await paintOf('popup.html');
          await paintOf(FLOOR_PAGE);
          for (let i = 0; i < 5 && loading; i++) {
            const popup = await paintOf('popup.html');
            const floor = await paintOf(FLOOR_PAGE);
            if (popup !== null && floor !== null) duringLoad.push([popup, floor]);
          }
        })();
      }
      await sleep(tickMs);
    }
    const lastAt = now();
    loading = false;
    const stillOpening = popupOpen;
    const loadMs = lastAt - started;
    const final = await server.live.store.unreadCounts(USER.username);
    const right = (t: string) => CATEGORIES.every((c) => getTitleCount(t, c) === final[c]);
    await waitFor(title, right, 'badge right after the load', 30_000);
    const titles = await worker.evaluate(
      () => (globalThis as unknown as { __titles: Array<[number, string]> }).__titles,
    );
    const rightAt = titles.find(([at, t]) => at >= lastAt && right(t))?.[0] ?? titles.find(([, t]) => right(t))?.[0];
    result.badgeRightAfterMs = rightAt === undefined ? Number.NaN : Math.max(0, rightAt - lastAt);
    result.cpuMsPerEvent = (await busyMs()) / totalEvents;
    result.heapSamples.push([totalEvents, await heap()]);
    await stillOpening;
    // Pairs are started only while the load is on; the medians of those.
    if (duringLoad.length > 0) {
      result.popupDuringLoadMs = median(duringLoad.map(([popup]) => popup));
      result.floorDuringLoadMs = median(duringLoad.map(([, floor]) => floor));
      result.pairsDuringLoad = duringLoad;
    }
    await sleep(MAX_BATCH_MS + 500);
    result.notificationsCreated = await worker.evaluate(
      () => (globalThis as unknown as { __created: number }).__created,
    );
    result.notificationsAllowed = Math.ceil(loadMs / MAX_BATCH_MS) + 1;
    return { ...result, loadSeconds: loadMs / 1000, plannedSeconds: seconds };
  } finally {
    await browser.close();
    await server.dispose();
  }
}
