/**
 * Sustained load: `rate` events per second with counts in the payload, spread over the five visible categories, for
 * `seconds`, then on to `totalEvents`. Measured in both browsers: last event → badge right, OS notifications created
 * against what the planner allows (one summary per MAX_BATCH_MS batch), and the popup opened during the load against
 * the framework-free page. In Chromium also the worker's CPU time per event (CDP sampling profiler: time not idle,
 * over the first quarter of the load, before any page opens: the profiler's own sampling slowed those pages) and its
 * heap after a forced GC (samples along the way); Firefox offers neither to automation. The Chromium target
 * is here (chromium-worker.ts), Firefox's in sustained-firefox.ts.
 */
import { CHROME_EXTENSION_DIR } from '../tests/drivers/chromium';
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';
import { getTitleCount } from '../tests/drivers/badge-title';
import { copyExtensionWithBenchPages, FLOOR_PAGE } from './beacon-harness';
import { launchSignedInWorker } from './chromium-worker';
import { median, now } from './stats';

export interface SustainedResult {
  events: number;
  /** Over the events of the first quarter of the load; null where the browser offers no profiler (Firefox). */
  cpuMsPerEvent: number | null;
  badgeRightAfterMs: number;
  /** [events so far, used heap bytes after GC]; none where the browser does not tell (Firefox). */
  heapSamples: Array<[number, number]>;
  notificationsCreated: number;
  notificationsAllowed: number;
  popupDuringLoadMs: number | null;
  floorDuringLoadMs: number | null;
  /** [popup, floor] ms of each pair of opens made during the load. */
  pairsDuringLoad: Array<[number, number]>;
  loadSeconds: number;
}

/** What the load driver needs from one browser with Beacon running, signed in to the server. */
export interface LoadTarget {
  title(): Promise<string>;
  /** [time, title] of the last titles Beacon set (the instrumentation keeps about the last 100). */
  titles(): Promise<Array<[number, string]>>;
  notificationsCreated(): Promise<number>;
  /** Opens an extension page; its `beacon:painted` mark, or null when it did not paint. */
  paintOf(path: string): Promise<number | null>;
  /** Used heap bytes after a forced GC, where the browser tells. */
  heap: (() => Promise<number>) | null;
  /** The background's busy time in ms between start and stop, where the browser tells. */
  profiler: { start(): Promise<void>; stopBusyMs(): Promise<number> } | null;
}

const CATEGORIES = ['likes', 'stars', 'comments', 'system', 'manager'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** os-notifier.ts: a batch closes at most this long after its first notice. */
const MAX_BATCH_MS = 2000;
/** Popup/floor pairs opened during the load, at most (the load may end first). */
const PAIRS_DURING_LOAD = 15;

/** Runs the load against Beacon in Chromium. */
export async function measureSustainedLoad(rate: number, seconds: number, totalEvents: number) {
  const server = await TestServer.start();
  const extensionDir = copyExtensionWithBenchPages(CHROME_EXTENSION_DIR);
  const { browser, target, worker, title, extensionOrigin } = await launchSignedInWorker(server, extensionDir);
  try {
    await worker.evaluate(instrumentBackground('globalThis'));
    const cdp = await target.createCDPSession();
    // CDP's Performance domain is not offered on a service worker; the sampling profiler is. Busy time = samples
    // not in the "(idle)" node.
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    return await driveLoad(
      server,
      { rate, seconds, totalEvents },
      {
        title,
        titles: () => worker.evaluate(readTitles('globalThis')) as Promise<Array<[number, string]>>,
        notificationsCreated: () => worker.evaluate(readCreated('globalThis')) as Promise<number>,
        async paintOf(path) {
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
        },
        async heap() {
          await cdp.send('HeapProfiler.collectGarbage');
          return (await cdp.send('Runtime.getHeapUsage')).usedSize;
        },
        profiler: {
          start: async () => void (await cdp.send('Profiler.start')),
          async stopBusyMs() {
            const { profile } = await cdp.send('Profiler.stop');
            const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
            const deltas = profile.timeDeltas ?? [];
            const busyUs = (profile.samples ?? []).reduce(
              (sum, node, i) => sum + (idle.has(node) ? 0 : (deltas[i] ?? 0)),
              0,
            );
            return busyUs / 1000;
          },
        },
      },
    );
  } finally {
    await browser.close();
    await server.dispose();
  }
}

/**
 * Instruments the background whose global object `scope` names (`action` in Chrome MV3, `browserAction` in Firefox
 * MV2): counts notifications created and keeps the last titles set, with when, which is enough to find when the badge
 * became right after the load. Firefox runs it from an extension page on the background page's objects (its pages
 * allow no eval).
 */
export const instrumentBackground = (scope: string) => `((scope) => {
  const api = scope.browser ?? scope.chrome;
  const action = api.action ?? api.browserAction;
  scope.__created = 0;
  scope.__titles = [];
  const setTitle = action.setTitle.bind(action);
  action.setTitle = (details, ...rest) => {
    scope.__titles.push([scope.performance.timeOrigin + scope.performance.now(), details.title]);
    if (scope.__titles.length > 100) scope.__titles.splice(0, 50);
    return setTitle(details, ...rest);
  };
  const create = api.notifications.create.bind(api.notifications);
  api.notifications.create = (...args) => {
    scope.__created++;
    return create(...args);
  };
})(${scope})`;
export const readTitles = (scope: string) => `Array.from(${scope}.__titles, ([t, title]) => [t, title])`;
export const readCreated = (scope: string) => `${scope}.__created`;

/** Publishes the load, opens popup/floor pairs during it, and measures what the target lets it. */
export async function driveLoad(
  server: TestServer,
  { rate, seconds, totalEvents }: { rate: number; seconds: number; totalEvents: number },
  target: LoadTarget,
): Promise<SustainedResult> {
  const result: SustainedResult = {
    events: totalEvents,
    cpuMsPerEvent: null,
    badgeRightAfterMs: Number.NaN,
    heapSamples: target.heap ? [[0, await target.heap()]] : [],
    notificationsCreated: 0,
    notificationsAllowed: 0,
    popupDuringLoadMs: null,
    floorDuringLoadMs: null,
    pairsDuringLoad: [],
    loadSeconds: 0,
  };
  await target.profiler?.start();
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
      if (target.heap && sent > 0 && sent % sampleEvery === 0) result.heapSamples.push([sent, await target.heap()]);
    }
    if (!popupOpen && now() - started > (seconds * 1000) / 4) {
      // The profiler stops first: its 1 kHz sampling of the worker also slowed the pages opened beside it.
      if (target.profiler) result.cpuMsPerEvent = (await target.profiler.stopBusyMs()) / sent;
      // While the load goes on: the popup and the floor page in turn, up to 15 of each (one at a time, so they do
      // not compete with each other), after a first open of each that warms the profile and is not counted.
      popupOpen = (async () => {
        await target.paintOf('popup.html');
        await target.paintOf(FLOOR_PAGE);
        for (let i = 0; i < PAIRS_DURING_LOAD && loading; i++) {
          const popup = await target.paintOf('popup.html');
          const floor = await target.paintOf(FLOOR_PAGE);
          if (popup !== null && floor !== null) duringLoad.push([popup, floor]);
        }
      })();
    }
    await sleep(tickMs);
  }
  const lastAt = now();
  loading = false;
  const loadMs = lastAt - started;
  const final = await server.live.store.unreadCounts(USER.username);
  const right = (t: string) => CATEGORIES.every((c) => getTitleCount(t, c) === final[c]);
  await waitFor(() => target.title(), right, 'badge right after the load', 30_000);
  const titles = await target.titles();
  const rightAt = titles.find(([at, t]) => at >= lastAt && right(t))?.[0] ?? titles.find(([, t]) => right(t))?.[0];
  result.badgeRightAfterMs = rightAt === undefined ? Number.NaN : Math.max(0, rightAt - lastAt);
  if (target.heap) result.heapSamples.push([totalEvents, await target.heap()]);
  await popupOpen;
  // Pairs are started only while the load is on; the medians of those.
  if (duringLoad.length > 0) {
    result.popupDuringLoadMs = median(duringLoad.map(([popup]) => popup));
    result.floorDuringLoadMs = median(duringLoad.map(([, floor]) => floor));
    result.pairsDuringLoad = duringLoad;
  }
  await sleep(MAX_BATCH_MS + 500);
  result.notificationsCreated = await target.notificationsCreated();
  result.notificationsAllowed = Math.ceil(loadMs / MAX_BATCH_MS) + 1;
  result.loadSeconds = loadMs / 1000;
  return result;
}
