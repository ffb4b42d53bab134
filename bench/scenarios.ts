/** The benchmark's measurements of the badge and the server, each against Beacon and, where it applies, the baseline. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NoticeType } from '../utils/protocol/categories';
import { USER, waitFor } from '../tests/drivers/test-server';
import { getTitleCount, isLiveTitle } from '../tests/drivers/badge-title';
import type { Harness } from './harness';
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

/** Publishes `events` likes at a steady rate; the publish times, and the likes count each event makes. */
async function publishSteady(h: Harness, events: number, intervalMs: number) {
  // From zero each time: the reference server keeps 1,000 items per category, so two phases of 1,000 would stop there.
  await h.server.live.store.markRead(USER.username, 'likes');
  await sleep(300);
  await h.resetRecords();
  const base = (await h.server.live.store.unreadCounts(USER.username)).likes;
  const sent: Array<[at: number, count: number]> = [];
  for (let i = 0; i < events; i++) {
    sent.push([now(), base + i + 1]);
    await h.server.live.store.publish(USER.username, { notice_type: 0, title: `like ${i}` });
    await sleep(intervalMs);
  }
  return { sent, final: base + events };
}

const summary = (values: number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
});

/**
 * Publish → badge latency for `events` likes at a steady rate: Beacon with the baseline page closed, then the
 * baseline page with the same traffic (Harness.setBaselineConnected says why not both at once).
 */
export async function measureLatency(h: Harness, events: number, intervalMs: number): Promise<LatencyResult> {
  await h.setBaselineConnected(false);
  const forBeacon = await publishSteady(h, events, intervalMs);
  await waitFor(
    () => h.beaconTitles(),
    (titles) => titles.some(([, title]) => getTitleCount(title, 'likes') === forBeacon.final),
    'Beacon caught up',
    20_000,
  );
  const titles = await h.beaconTitles();
  const beacon: number[] = [];
  for (const [at, count] of forBeacon.sent) {
    const shown = titles.find(([t, title]) => t >= at && (getTitleCount(title, 'likes') ?? -1) >= count);
    if (shown) beacon.push(shown[0] - at);
  }
  const refetches = h.server.requests
    .filter((r) => r.url.startsWith('/notification/likes?') && Boolean(r.headers.authorization))
    .map((r) => r.at);

  await h.setBaselineConnected(true);
  const forBaseline = await publishSteady(h, events, intervalMs);
  await waitFor(
    () => h.baselineUpdates(),
    (updates) => updates.some(([, c, n]) => c === 'likes' && n >= forBaseline.final),
    'baseline caught up',
    20_000,
  ).catch(() => null);
  const updates = (await h.baselineUpdates()).filter(([, category]) => category === 'likes');
  const baseline: number[] = [];
  let missed = 0;
  for (const [at, count] of forBaseline.sent) {
    const seen = updates.find(([t, , n]) => t >= at && n >= count);
    if (seen) baseline.push(seen[0] - at);
    else missed++;
  }
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

/** `events` events over about one second, spread over the five visible categories; when the last one went out. */
async function publishBurst(h: Harness, events: number): Promise<number> {
  await h.resetRecords();
  const chunks = 20;
  let lastPublish = 0;
  for (let i = 0; i < events; i++) {
    const [, type] = VISIBLE[i % VISIBLE.length]!;
    await h.server.live.store.publish(USER.username, { notice_type: type });
    lastPublish = now();
    if (i % Math.ceil(events / chunks) === Math.ceil(events / chunks) - 1 && i < events - 1) await sleep(1000 / chunks);
  }
  return lastPublish;
}

/**
 * A burst of `events` (needs a legacy-events server): Beacon with the baseline page closed, then the baseline page
 * with a burst of its own (Harness.setBaselineConnected says why not both at once).
 */
export async function measureBurst(h: Harness, events: number): Promise<BurstResult> {
  const countRefetches = (predicate: (url: string, auth: boolean) => boolean) =>
    h.server.requests.filter(
      (r) =>
        /^\/notification\/(likes|stars|comments|system|manager)\?/.test(r.url) &&
        predicate(r.url, Boolean(r.headers.authorization)),
    );
  const matchesServer = async () => {
    const final = await h.server.live.store.unreadCounts(USER.username);
    return {
      final,
      matches: (category: string, count: number | null) => count === final[category as keyof typeof final],
    };
  };

  await h.setBaselineConnected(false);
  const beaconLast = await publishBurst(h, events);
  const { matches } = await matchesServer();
  const exact = (title: string) => VISIBLE.every(([category]) => matches(category, getTitleCount(title, category)));
  await waitFor(
    () => h.beaconTitles(),
    (titles) => titles.some(([, title]) => exact(title)),
    'Beacon exact after the burst',
    20_000,
  );
  const beaconAt = (await h.beaconTitles()).find(([, title]) => exact(title))![0];
  const beaconRequests = Object.fromEntries(
    VISIBLE.map(([category]) => [
      category,
      countRefetches((url, auth) => auth && url.startsWith(`/notification/${category}?`)).length,
    ]),
  );

  await h.setBaselineConnected(true);
  const baselineLast = await publishBurst(h, events);
  const { final } = await matchesServer();
  await sleep(3000); // let the baseline's one-request-per-event queue drain
  const updates = await h.baselineUpdates();
  let baselineAt = 0;
  let baselineFinalWrong = false;
  for (const [category] of VISIBLE) {
    const last = updates.filter(([, c]) => c === category).at(-1);
    if (!last || last[2] !== final[category as keyof typeof final]) baselineFinalWrong = true;
    else baselineAt = Math.max(baselineAt, updates.find(([, c, n]) => c === category && n === last[2])![0]);
  }
  return {
    events,
    beaconRequests,
    baselineRequests: countRefetches((url) => url.includes('username=')).length,
    beaconCorrectMs: beaconAt - beaconLast,
    baselineCorrectMs: baselineFinalWrong ? null : Math.max(0, baselineAt - baselineLast),
    baselineFinalWrong,
  };
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
      () => h.badge(),
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
      () => h.badge(),
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
  // data-entry: the module the first-frame script imports (scripts/build/deferred-entry.ts).
  const assets = [...html.matchAll(/(?:src|href|data-entry)="\/?([^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
  return { backgroundGz: gz('background.js'), popupGz: assets.reduce((sum, file) => sum + gz(file), gz('popup.html')) };
}
