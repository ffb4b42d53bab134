/**
 * Sustained load: `rate` events per second with counts in the payload, spread over the five visible categories, for
 * `seconds`, then on to `totalEvents`. In each browser: last event → badge right, OS notifications created against
 * what the planner allows (one summary per MAX_BATCH_MS batch), and the popup opened during the load against the
 * framework-free page. Where the browser offers them (harness.ts `openProbe`: Chromium), also the background's CPU
 * time per event (sampling profiler: time not idle, over the first quarter of the load, before any page opens: the
 * profiler's own sampling slowed those pages) and its heap after a forced GC (samples along the way).
 */
import { USER, waitFor } from '../tests/drivers/test-server';
import { getTitleCount } from '../tests/drivers/badge-title';
import { FLOOR_PAGE } from './bench-pages';
import { startHarness, type BenchBrowser, type Harness } from './harness';
import { measureOpen } from './popup-scenarios';
import { median, now } from './stats';
import type { WorkerProbe } from './worker-probe';

export interface SustainedPlan {
  rate: number;
  seconds: number;
  totalEvents: number;
}

export interface SustainedResult {
  events: number;
  rate: number;
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

const CATEGORIES = ['likes', 'stars', 'comments', 'system', 'manager'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** os-notifier.ts: a batch closes at most this long after its first notice. */
const MAX_BATCH_MS = 2000;
/** Popup/floor pairs opened during the load, at most (the load may end first). */
export const PAIRS_DURING_LOAD = 15;

export async function measureSustainedLoad(browser: BenchBrowser, plan: SustainedPlan): Promise<SustainedResult> {
  // No baseline page, and the last 100 titles kept: enough to find when the badge became right after the load.
  const h = await startHarness(browser, { baseline: false, titlesKept: 100 });
  try {
    return await driveLoad(h, await h.openProbe(), plan);
  } finally {
    await h.close();
  }
}

/** Publishes the load, opens popup/floor pairs during it, and measures what the browser lets it. */
async function driveLoad(
  h: Harness,
  probe: WorkerProbe | null,
  { rate, seconds, totalEvents }: SustainedPlan,
): Promise<SustainedResult> {
  const { server } = h;
  const paintOf = (path: string) => measureOpen(h, path);
  const result: SustainedResult = {
    events: totalEvents,
    rate,
    cpuMsPerEvent: null,
    badgeRightAfterMs: Number.NaN,
    heapSamples: probe ? [[0, await probe.heapBytes()]] : [],
    notificationsCreated: 0,
    notificationsAllowed: 0,
    popupDuringLoadMs: null,
    floorDuringLoadMs: null,
    pairsDuringLoad: [],
    loadSeconds: 0,
  };
  await probe?.startProfiler();
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
      if (probe && sent > 0 && sent % sampleEvery === 0) result.heapSamples.push([sent, await probe.heapBytes()]);
    }
    if (!popupOpen && now() - started > (seconds * 1000) / 4) {
      // The profiler stops first: its 1 kHz sampling of the worker also slowed the pages opened beside it.
      if (probe) result.cpuMsPerEvent = (await probe.stopProfiler()) / sent;
      // While the load goes on: the popup and the floor page in turn, up to PAIRS_DURING_LOAD of each (one at a time, so they do
      // not compete with each other), after a first open of each that warms the profile and is not counted.
      popupOpen = (async () => {
        await paintOf('popup.html');
        await paintOf(FLOOR_PAGE);
        for (let i = 0; i < PAIRS_DURING_LOAD && loading; i++) {
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
  const loadMs = lastAt - started;
  const final = await server.live.store.unreadCounts(USER.username);
  const right = (t: string) => CATEGORIES.every((c) => getTitleCount(t, c) === final[c]);
  await waitFor(async () => (await h.badge()).title, right, 'badge right after the load', 30_000);
  const titles = await h.beaconTitles();
  const rightAt = titles.find(([at, t]) => at >= lastAt && right(t))?.[0] ?? titles.find(([, t]) => right(t))?.[0];
  result.badgeRightAfterMs = rightAt === undefined ? Number.NaN : Math.max(0, rightAt - lastAt);
  if (probe) result.heapSamples.push([totalEvents, await probe.heapBytes()]);
  await popupOpen;
  // Pairs are started only while the load is on; the medians of those.
  if (duringLoad.length > 0) {
    result.popupDuringLoadMs = median(duringLoad.map(([popup]) => popup));
    result.floorDuringLoadMs = median(duringLoad.map(([, floor]) => floor));
    result.pairsDuringLoad = duringLoad;
  }
  await sleep(MAX_BATCH_MS + 500);
  result.notificationsCreated = await h.notificationsCreated();
  result.notificationsAllowed = Math.ceil(loadMs / MAX_BATCH_MS) + 1;
  result.loadSeconds = loadMs / 1000;
  return result;
}
