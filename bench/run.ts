/**
 * `npm run bench [-- --quick] [-- --runs N] [-- --browsers chromium,firefox]`: Beacon against the web app's original
 * strategy, in real Chromium and real Firefox in the same run, with the reference server on loopback. Writes
 * bench/results.md (and bench/results.json with every figure, generated and not committed). Figures are medians over
 * the runs; each Beacon figure that has a baseline counterpart is also given as a ratio measured in the same run and
 * browser.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { CHROMIUM_PATH, FIREFOX_PATH } from '../tests/drivers/browsers';
import type { BenchBrowser } from './harness';
import { runBrowserScenarios } from './browser-run';
import { measureBackgroundHeap, type HeapResult } from './heap';
import { measurePopupAccounts, savePopupAccounts } from './popup-accounts';
import { getBenchPlan } from './plan';
import { runCapacityCurve, saveCapacityCurve } from './capacity-curve';
import { runRedisBench, saveRedisSection } from './redis-load';
import { writeReport } from './report';
import { addRows } from './table';
import { measureBundleSizes } from './scenarios';
import { measureServerLoad } from './server-load';
import { measureSustainedLoad, type SustainedResult } from './sustained';
import { round, type RunFigures } from './stats';

const { values, quick, browsers, plan, redisPlan, capacityPlan } = getBenchPlan();

const started = Date.now();
const log = (line: string) => console.log(`[bench] ${Math.round((Date.now() - started) / 1000)} s: ${line}`);
const version = (path: string) =>
  execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

async function main() {
  if (values.only === 'redis') return console.log(saveRedisSection(await runRedisBench(redisPlan, log), quick));
  if (values.only === 'capacity') {
    const curve = await runCapacityCurve(capacityPlan, log);
    return console.log(saveCapacityCurve(curve, capacityPlan.publishes, quick));
  }
  if (values.only === 'popup-accounts') {
    if (!values['skip-build']) build();
    return console.log(savePopupAccounts(await measurePopupAccounts(browsers, plan.popupOpens, log), quick));
  }
  if (values.only !== undefined)
    throw new Error(`--only takes "redis", "capacity" or "popup-accounts", got ${values.only}`);
  if (!values['skip-build']) build();
  const loadBefore = loadavg()[0]!;
  const runs: Partial<Record<BenchBrowser, RunFigures[]>> = {};
  const details: Record<string, unknown>[] = [];
  for (let run = 1; run <= plan.runs; run++) {
    for (const browser of browsers) {
      log(`run ${run}/${plan.runs}`);
      const result = await runBrowserScenarios(browser, plan, log);
      (runs[browser] ??= []).push(result.figures);
      details.push({ run, ...result.details });
    }
  }

  const heap: Partial<Record<BenchBrowser, HeapResult>> = {};
  const sustained: Partial<Record<BenchBrowser, SustainedResult>> = {};
  for (const browser of browsers) {
    log(`background heap over ${plan.heapEvents} events (${browser})`);
    const samples = await measureBackgroundHeap(browser, plan.heapEvents);
    if (samples) heap[browser] = samples;
    else log(`${browser} offers no heap reading to automation: no heap rows`);
    const { rate, totalEvents } = plan.sustained;
    log(`sustained load: ${rate} events/s, ${totalEvents} events (${browser})`);
    sustained[browser] = await measureSustainedLoad(browser, plan.sustained);
  }
  const loads = [];
  for (const clients of plan.loadClients) {
    log(`reference server with ${clients} streams`);
    // A refused load is reported, not fatal to the browser figures measured before it.
    const load = await measureServerLoad(clients).catch((error: unknown) => {
      log(`reference server with ${clients} streams not measured: ${String(error).split('\n')[0]}`);
      return null;
    });
    if (load) loads.push(load);
  }
  const redis = await runRedisBench(redisPlan, log);
  const sizes = {
    chromium: measureBundleSizes('.output/chrome-mv3'),
    firefox: measureBundleSizes('.output/firefox-mv2'),
  };
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)] as [number, number],
    chromium: version(CHROMIUM_PATH),
    firefox: browsers.includes('firefox') ? version(FIREFOX_PATH) : '—',
  };
  const rows = addRows({ runs, plan, heap, loads, sizes, sustained });
  const results = {
    date: new Date().toISOString(),
    quick,
    plan: { ...plan, ...redisPlan },
    machine,
    rows,
    runs,
    heap,
    sustained,
    loads,
    redis,
    sizes,
    details,
  };
  const table = writeReport(results);
  console.log(`\n${table}\n${saveRedisSection(redis, quick)}`);
}

function build() {
  log('building the Chrome and Firefox extensions');
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
