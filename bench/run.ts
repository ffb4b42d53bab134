/**
 * `npm run bench [-- --quick] [-- --runs N]`: Beacon against the web app's original strategy, in real Chromium with
 * the reference server on loopback. Writes bench/results.json and bench/results.md. Figures are medians over the
 * runs; each Beacon figure that has a baseline counterpart is also given as a ratio measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { CHROMIUM_PATH } from '../tests/drivers/browsers';
import { measureWorkerHeap } from './heap';
import { getBenchPlan } from './plan';
import { createRows, writeReport } from './report';
import {
  measureBundleSizes,
  measureBurst,
  measureLatency,
  measurePopupPaint,
  measureInboxExpand,
  measureRestart,
  startHarness,
  type LatencyResult,
} from './scenarios';
import { runRedisBench, saveRedisSection } from './redis-load';
import { measureServerLoad } from './server-load';
import { median, medianOfRuns, medianRatioOfRuns, percentile, round, type RunFigures } from './stats';

const { values, quick, plan, redisPlan } = getBenchPlan();
const INTERVAL_MS = 20; // 50 events per second, a steady rate

const log = (line: string) => console.log(`[bench] ${line}`);

async function main() {
  if (values.only === 'redis') return console.log(saveRedisSection(await runRedisBench(redisPlan, log), quick));
  if (values.only !== undefined) throw new Error(`--only takes "redis", got ${values.only}`);
  if (!values['skip-build']) {
    log('building the Chrome extension');
    execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const runs: RunFigures[] = [];
  const details: Record<string, unknown>[] = [];
  for (let run = 1; run <= plan.runs; run++) {
    log(`run ${run}/${plan.runs}: payload counts (latency, popup paint, restart)`);
    const figures: Record<string, number | null> = {};
    const withPayload = await startHarness();
    try {
      const latency = await measureLatency(withPayload, plan.latencyEvents, INTERVAL_MS);
      Object.assign(figures, {
        latencyPayloadP50: latency.beacon.p50,
        latencyPayloadP95: latency.beacon.p95,
        latencyPayloadP99: latency.beacon.p99,
        baselineLatencyPayloadP50: latency.baseline.p50,
        baselineLatencyPayloadP99: latency.baseline.p99,
      });
      const paint = await measurePopupPaint(withPayload, plan.popupOpens);
      figures.popupPaintMs = median(paint.beacon);
      figures.popupFloorMs = median(paint.floor);
      figures.popupFirstPaintMs = paint.first.beacon;
      figures.popupFirstFloorMs = paint.first.floor;
      const expand = await measureInboxExpand(withPayload, Math.max(plan.popupOpens, 10));
      figures.inboxExpandP50 = expand.length ? median(expand) : null;
      figures.inboxExpandP95 = expand.length ? percentile(expand, 95) : null;
      const restart = await measureRestart(withPayload, plan.restarts);
      figures.restartMs = median(restart.beaconMs);
      const baselineRestarts = restart.baselineMs.filter((ms): ms is number => ms !== null);
      figures.baselineRestartMs =
        baselineRestarts.length === restart.baselineMs.length ? median(baselineRestarts) : null;
      figures.baselineRestartMissed = restart.baselineMs.length - baselineRestarts.length;
      details.push({ run, latency, paint, expand, restart });
    } finally {
      await withPayload.close();
    }

    log(
      `run ${run}/${plan.runs}: legacy events (latency with refetch at ${plan.legacyRates.join(', ')} events/s, burst)`,
    );
    const legacy = await startHarness({ legacyEvents: true });
    try {
      const legacyLatency: Record<number, LatencyResult> = {};
      for (const rate of plan.legacyRates) {
        // About ten seconds of steady traffic at each rate (the quick pass: plan.latencyEvents events).
        const events = quick ? plan.latencyEvents : Math.min(rate * 10, 1000);
        const latency = await measureLatency(legacy, events, 1000 / rate);
        legacyLatency[rate] = latency;
        Object.assign(figures, {
          [`latencyRefetch${rate}P50`]: latency.beacon.p50,
          [`latencyRefetch${rate}P99`]: latency.beacon.p99,
          [`refetchRequestsPerSecond${rate}`]: latency.beaconMaxRequestsPerSecond,
          [`baselineLatencyRefetch${rate}P50`]: latency.baseline.p50,
          [`baselineLatencyRefetch${rate}P99`]: latency.baseline.p99,
        });
      }
      const burst = await measureBurst(legacy, plan.burstEvents);
      Object.assign(figures, {
        burstMaxRequestsPerCategory: Math.max(...Object.values(burst.beaconRequests)),
        burstRequests: Object.values(burst.beaconRequests).reduce((a, b) => a + b, 0),
        baselineBurstRequests: burst.baselineRequests,
        burstCorrectMs: burst.beaconCorrectMs,
        baselineBurstCorrectMs: burst.baselineCorrectMs,
      });
      details.push({ run, legacyLatency, burst });
    } finally {
      await legacy.close();
    }
    runs.push(figures);
  }

  log(`worker heap over ${plan.heapEvents} events`);
  const heap = await measureWorkerHeap(plan.heapEvents);
  const loads = [];
  for (const clients of plan.loadClients) {
    log(`reference server with ${clients} streams`);
    loads.push(await measureServerLoad(clients));
  }
  const redis = await runRedisBench(redisPlan, log);
  const sizes = measureBundleSizes();

  const med = (key: string) => medianOfRuns(runs, key);
  const ratio = (beacon: string, baseline: string) => medianRatioOfRuns(runs, beacon, baseline);
  const heapValues = heap.samples.map(([, bytes]) => bytes);
  const heapFinalMb = heapValues.at(-1)! / 1024 / 1024;
  const heapGrowthMb = (heapValues.at(-1)! - heapValues[1]!) / 1024 / 1024;

  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    chromium: execFileSync(CHROMIUM_PATH, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim(),
  };
  const { rows, row } = createRows();
  const le = (value: number | null, limit: number) => (value === null ? false : value <= limit);
  row(
    'Publish → badge p50, payload count',
    med('latencyPayloadP50'),
    med('baselineLatencyPayloadP50'),
    ratio('latencyPayloadP50', 'baselineLatencyPayloadP50'),
    'ms',
    '',
    null,
  );
  row('Publish → badge p95, payload count', med('latencyPayloadP95'), null, null, 'ms', '', null);
  row(
    'Publish → badge p99, payload count',
    med('latencyPayloadP99'),
    med('baselineLatencyPayloadP99'),
    ratio('latencyPayloadP99', 'baselineLatencyPayloadP99'),
    'ms',
    '≤ 15',
    le(med('latencyPayloadP99'), 15),
  );
  for (const rate of plan.legacyRates) {
    row(
      `Publish → badge p50, refetch (legacy server, ${rate} events/s)`,
      med(`latencyRefetch${rate}P50`),
      med(`baselineLatencyRefetch${rate}P50`),
      ratio(`latencyRefetch${rate}P50`, `baselineLatencyRefetch${rate}P50`),
      'ms',
      '',
      null,
    );
    row(
      `Publish → badge p99, refetch (legacy server, ${rate} events/s)`,
      med(`latencyRefetch${rate}P99`),
      med(`baselineLatencyRefetch${rate}P99`),
      ratio(`latencyRefetch${rate}P99`, `baselineLatencyRefetch${rate}P99`),
      'ms',
      '≤ 300',
      le(med(`latencyRefetch${rate}P99`), 300),
    );
    row(
      `Count requests per second for the category, most in one second (${rate} events/s)`,
      med(`refetchRequestsPerSecond${rate}`),
      null,
      null,
      'requests',
      '≤ 4',
      le(med(`refetchRequestsPerSecond${rate}`), 4),
    );
  }
  row(
    `Burst of ${plan.burstEvents}: REST requests (all categories)`,
    med('burstRequests'),
    med('baselineBurstRequests'),
    ratio('burstRequests', 'baselineBurstRequests'),
    'requests',
    '',
    null,
  );
  row(
    `Burst of ${plan.burstEvents}: most requests for one category`,
    med('burstMaxRequestsPerCategory'),
    null,
    null,
    'requests',
    '≤ 6',
    le(med('burstMaxRequestsPerCategory'), 6),
  );
  row(
    `Burst of ${plan.burstEvents}: last event → correct badge`,
    med('burstCorrectMs'),
    med('baselineBurstCorrectMs'),
    ratio('burstCorrectMs', 'baselineBurstCorrectMs'),
    'ms',
    '≤ 300',
    le(med('burstCorrectMs'), 300),
  );
  row('Popup open → counts painted', med('popupPaintMs'), null, null, 'ms', '≤ 50', le(med('popupPaintMs'), 50));
  row(
    'Popup expand → list painted, median',
    med('inboxExpandP50'),
    null,
    null,
    'ms',
    '≤ 100',
    le(med('inboxExpandP50'), 100),
  );
  row(
    'Popup expand → list painted, p95',
    med('inboxExpandP95'),
    null,
    null,
    'ms',
    '≤ 200',
    le(med('inboxExpandP95'), 200),
  );
  row('Same, framework-free page (what the browser alone costs)', med('popupFloorMs'), null, null, 'ms', '', null);
  row('Popup, first open in a fresh profile (no code cache yet)', med('popupFirstPaintMs'), null, null, 'ms', '', null);
  row('Framework-free page, first open in a fresh profile', med('popupFirstFloorMs'), null, null, 'ms', '', null);
  row(
    'Background bundle, gzipped',
    sizes.backgroundGz / 1024,
    null,
    null,
    'KB',
    '≤ 40',
    sizes.backgroundGz / 1024 <= 40,
  );
  row('Popup bundle, gzipped', sizes.popupGz / 1024, null, null, 'KB', '≤ 90', sizes.popupGz / 1024 <= 90);
  row(`Worker heap after ${plan.heapEvents} events`, heapFinalMb, null, null, 'MB', '≤ 8', heapFinalMb <= 8);
  row(`Worker heap growth, first to last sample`, heapGrowthMb, null, null, 'MB', 'flat', Math.abs(heapGrowthMb) < 1);
  row(
    'Server restart → badge live and right',
    med('restartMs'),
    med('baselineRestartMs'),
    ratio('restartMs', 'baselineRestartMs'),
    'ms',
    '≤ 1500',
    le(med('restartMs'), 1500),
  );
  for (const load of loads) {
    row(
      `Server: streams held of ${load.clients}`,
      load.held,
      null,
      null,
      'streams',
      `${load.clients}`,
      load.held === load.clients,
    );
    row(`Server: broadcast p99 to ${load.clients} streams`, load.broadcast.p99, null, null, 'ms', '', null);
    row(`Server: RSS with ${load.clients} streams`, load.serverRssMb, null, null, 'MB', '', null);
  }

  const results = {
    date: new Date().toISOString(),
    quick,
    plan: { ...plan, ...redisPlan },
    machine,
    rows,
    runs,
    heap,
    loads,
    redis,
    sizes,
    details,
  };
  const table = writeReport(results);
  console.log(`\n${table}\n${saveRedisSection(redis, quick)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
