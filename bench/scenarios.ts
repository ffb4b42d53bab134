/** The benchmark's measurements, each against Beacon and, where it applies, the baseline in the same run. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NoticeType } from '../utils/protocol/categories';
import { USER, waitFor } from '../tests/drivers/test-server';
import { getTitleCount, isLiveTitle } from '../tests/drivers/badge-title';
import { FLOOR_PAGE, startHarness, type Harness } from './beacon-harness';
import { now, percentile } from './stats';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const VISIBLE: Array<[string, NoticeType]> = [
  ['likes', 0],
  ['stars', 1],
  ['comments', 2],
  ['system', 3],
  ['manager', 4],
];

export interface LatencyResult {
  beacon: { p50: number; p95: number; p99: number };
  baseline: { p50: number; p95: number; p99: number; missed: number };
  /** Beacon's count requests for the category, most in any one second of the run (refetch mode only). */
  beaconMaxRequestsPerSecond: number;
}

/** Publish → badge latency for `events` likes at a steady rate. */
export async function measureLatency(h: Harness, events: number, intervalMs: number): Promise<LatencyResult> {
  await h.resetRecords();
  const base = (await h.server.live.store.unreadCounts(USER.username)).likes;
  const sent: number[] = [];
  for (let i = 0; i < events; i++) {
    sent.push(now());
    await h.server.live.store.publish(USER.username, { notice_type: 0, title: `like ${i}` });
    await sleep(intervalMs);
  }
  const final = base + events;
  await waitFor(
    () => h.beaconTitles(),
    (titles) => titles.some(([, title]) => getTitleCount(title, 'likes') === final),
    'Beacon caught up',
    20_000,
  );
  await waitFor(
    () => h.baselineUpdates(),
    (updates) => updates.some(([, c, n]) => c === 'likes' && n >= final),
    'baseline caught up',
    20_000,
  ).catch(() => null);
  const titles = await h.beaconTitles();
  const updates = (await h.baselineUpdates()).filter(([, category]) => category === 'likes');
  const beacon: number[] = [];
  const baseline: number[] = [];
  let missed = 0;
  sent.forEach((at, index) => {
    const count = base + index + 1;
    const shown = titles.find(([t, title]) => t >= at && (getTitleCount(title, 'likes') ?? -1) >= count);
    if (shown) beacon.push(shown[0] - at);
    const seen = updates.find(([t, , n]) => t >= at && n >= count);
    if (seen) baseline.push(seen[0] - at);
    else missed++;
  });
  const summary = (values: number[]) => ({
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
  });
  const refetches = h.server.requests
    .filter((r) => r.url.startsWith('/notification/likes?') && Boolean(r.headers.authorization))
    .map((r) => r.at);
  return {
    beacon: summary(beacon),
    baseline: { ...summary(baseline), missed },
    beaconMaxRequestsPerSecond: Math.max(
      0,
      ...refetches.map((at) => refetches.filter((t) => t >= at && t < at + 1000).length),
    ),
  };
}

export interface BurstResult {
  events: number;
  beaconRequests: Record<string, number>;
  baselineRequests: number;
  beaconCorrectMs: number | null;
  baselineCorrectMs: number | null;
  baselineFinalWrong: boolean;
}

/** `events` events over about one second, spread over the five visible categories (needs a legacy-events server). */
export async function measureBurst(h: Harness, events: number): Promise<BurstResult> {
  await h.resetRecords();
  const chunks = 20;
  let lastPublish = 0;
  for (let i = 0; i < events; i++) {
    const [, type] = VISIBLE[i % VISIBLE.length]!;
    await h.server.live.store.publish(USER.username, { notice_type: type });
    lastPublish = now();
    if (i % Math.ceil(events / chunks) === Math.ceil(events / chunks) - 1 && i < events - 1) await sleep(1000 / chunks);
  }
  const final = await h.server.live.store.unreadCounts(USER.username);
  const matches = (title: string) =>
    VISIBLE.every(([category]) => getTitleCount(title, category) === final[category as keyof typeof final]);
  await waitFor(
    () => h.beaconTitles(),
    (titles) => titles.some(([, title]) => matches(title)),
    'Beacon exact after the burst',
    20_000,
  );
  await sleep(3000); // let the baseline's one-request-per-event queue drain
  const titles = await h.beaconTitles();
  const beaconAt = titles.find(([, title]) => matches(title))![0];

  const updates = await h.baselineUpdates();
  let baselineAt = 0;
  let baselineFinalWrong = false;
  for (const [category] of VISIBLE) {
    const last = updates.filter(([, c]) => c === category).at(-1);
    if (!last || last[2] !== final[category as keyof typeof final]) baselineFinalWrong = true;
    else baselineAt = Math.max(baselineAt, updates.find(([, c, n]) => c === category && n === last[2])![0]);
  }
  const countRefetches = (predicate: (url: string, auth: boolean) => boolean) =>
    h.server.requests.filter(
      (r) =>
        /^\/notification\/(likes|stars|comments|system|manager)\?/.test(r.url) &&
        predicate(r.url, Boolean(r.headers.authorization)),
    );
  const beaconRequests = Object.fromEntries(
    VISIBLE.map(([category]) => [
      category,
      countRefetches((url, auth) => auth && url.startsWith(`/notification/${category}?`)).length,
    ]),
  );
  return {
    events,
    beaconRequests,
    baselineRequests: countRefetches((url) => url.includes('username=')).length,
    beaconCorrectMs: beaconAt - lastPublish,
    baselineCorrectMs: baselineFinalWrong ? null : Math.max(0, baselineAt - lastPublish),
    baselineFinalWrong,
  };
}

export interface PopupPaintResult {
  beacon: number[];
  floor: number[];
  /** Each page's first open in this (fresh) profile: no V8 code cache yet. Null when that open did not paint. */
  first: { beacon: number | null; floor: number | null };
}

/**
 * Popup open → counts painted, from the page's own `beacon:painted` mark (ms since navigation start), alternating
 * with the floor page: the same snapshot painted by a framework-free script, which shows what the browser alone costs.
 */
export async function measurePopupPaint(h: Harness, opens: number): Promise<PopupPaintResult> {
  const result: PopupPaintResult = { beacon: [], floor: [], first: { beacon: null, floor: null } };
  for (let i = 0; i < opens * 2; i++) {
    const floor = i % 2 === 1;
    const page = await h.beacon.openPage(floor ? FLOOR_PAGE : 'popup.html');
    try {
      await page.waitForFunction(() => performance.getEntriesByName('beacon:painted').length > 0, undefined, {
        timeout: 10_000,
      });
      const paintedMs = await page.evaluate(() => performance.getEntriesByName('beacon:painted')[0]!.startTime);
      (floor ? result.floor : result.beacon).push(paintedMs);
      if (i < 2) result.first[floor ? 'floor' : 'beacon'] = paintedMs;
    } catch (error) {
      // One open that never paints must not cost the whole run; it is reported, and left out of the median.
      console.warn(`[bench] ${floor ? FLOOR_PAGE : 'popup.html'} did not paint: ${String(error).split('\n')[0]}`);
    } finally {
      await page.close();
    }
  }
  return result;
}

/** Runs in the popup: clicks the comments row and resolves with the ms until its items are painted. */
const EXPAND_AND_WAIT = `new Promise((resolve, reject) => {
  const started = performance.now();
  const timeout = setTimeout(() => reject(new Error('no items within 10 s')), 10000);
  const check = () => {
    if (document.querySelector('[data-test=item]')) {
      clearTimeout(timeout);
      requestAnimationFrame(() => resolve(performance.now() - started));
    } else requestAnimationFrame(check);
  };
  document.querySelector('li[data-category=comments] [data-test=toggle]').click();
  check();
})`;

/**
 * Popup expand → list painted: a click on a category row until its items are on screen (the next frame after they
 * are in the DOM), each in a fresh popup with the inbox cache removed, so every expand makes the full trip: popup →
 * background → server → popup.
 */
export async function measureInboxExpand(h: Harness, opens: number): Promise<number[]> {
  for (let i = 0; i < 12; i++) {
    await h.server.live.store.publish(USER.username, { notice_type: 2, title: `comment ${i}` });
  }
  const times: number[] = [];
  for (let i = 0; i < opens; i++) {
    const worker = await h.beacon.worker();
    await worker.evaluate(() => chrome.storage.local.remove('inboxCache'));
    const page = await h.beacon.openPage('popup.html');
    try {
      await page.waitForSelector('li[data-category=comments] [data-test=toggle]', { timeout: 10_000 });
      // A string, not a function: tsx's helpers for named closures do not exist in the page.
      const ms = await page.evaluate<number>(EXPAND_AND_WAIT);
      times.push(ms);
    } catch (error) {
      console.warn(`[bench] expand did not paint: ${String(error).split('\n')[0]}`);
    } finally {
      await page.close();
    }
  }
  return times;
}

export interface RestartResult {
  beaconMs: number[];
  baselineMs: Array<number | null>;
}

/** Server restart → badge live and right again; the baseline's time to show the event published after it. */
export async function measureRestart(h: Harness, restarts: number): Promise<RestartResult> {
  const beaconMs: number[] = [];
  const baselineMs: Array<number | null> = [];
  for (let i = 0; i < restarts; i++) {
    await h.resetRecords();
    await h.server.stop();
    await waitFor(
      () => h.beacon.badge(),
      (badge) => !isLiveTitle(badge.title),
      'Beacon noticed',
      10_000,
    );
    await sleep(300);
    await h.server.restart();
    const restartedAt = now();
    await h.server.live.store.publish(USER.username, { notice_type: 1 });
    const stars = (await h.server.live.store.unreadCounts(USER.username)).stars;
    const badge = await waitFor(
      () => h.beacon.badge(),
      (b) => isLiveTitle(b.title) && getTitleCount(b.title, 'stars') === stars,
      'Beacon right again',
      40_000,
    );
    void badge;
    const titles = await h.beaconTitles();
    beaconMs.push(
      titles.find(
        ([t, title]) => t >= restartedAt && isLiveTitle(title) && getTitleCount(title, 'stars') === stars,
      )![0] - restartedAt,
    );
    const seen = await waitFor(
      () => h.baselineUpdates(),
      (u) => u.some(([, c, n]) => c === 'stars' && n === stars),
      'baseline',
      5000,
    ).catch(() => null);
    baselineMs.push(seen ? seen.find(([, c, n]) => c === 'stars' && n === stars)![0] - restartedAt : null);
  }
  return { beaconMs, baselineMs };
}

/** Gzipped sizes of the background script and of the popup: popup.html (which holds its CSS) and what it loads. */
export function measureBundleSizes(outputDir = '.output/chrome-mv3'): { backgroundGz: number; popupGz: number } {
  const gz = (file: string) => gzipSync(readFileSync(join(outputDir, file)), { level: 9 }).length;
  const html = readFileSync(join(outputDir, 'popup.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
  return { backgroundGz: gz('background.js'), popupGz: assets.reduce((sum, file) => sum + gz(file), gz('popup.html')) };
}

export { startHarness };
