/** One run of the browser scenarios in one browser: payload counts, then a legacy server. Figures by name. */
import { measureBurst, measureLatency, measureRestart, type LatencyResult } from './scenarios';
import { startHarness, type BenchBrowser, type Harness } from './harness';
import { measureFirstOpens, measureInboxExpand, measurePopupPaint } from './popup-scenarios';
import { median, percentile, type RunFigures } from './stats';

export interface BrowserPlan {
  latencyEvents: number;
  legacyRates: number[];
  /** Events per legacy rate; null: about ten seconds of traffic at each rate (at most 1,000 events). */
  legacyEvents: number | null;
  burstEvents: number;
  restarts: number;
  popupOpens: number;
  expandOpens: number;
  /** First opens of each page per run, each in a fresh profile. */
  firstOpens: number;
}

const INTERVAL_MS = 20; // 50 events per second, a steady rate

export async function runBrowserScenarios(
  browser: BenchBrowser,
  plan: BrowserPlan,
  log: (line: string) => void,
): Promise<{ figures: RunFigures; details: Record<string, unknown> }> {
  const figures: RunFigures = {};
  const details: Record<string, unknown> = { browser };
  log(`${browser}: payload counts (latency, popup paint, expand, restart)`);
  const withPayload = await startHarness(browser);
  try {
    figures.firstSaveMs = withPayload.firstSaveMs;
    const latency = await measureLatency(withPayload, plan.latencyEvents, INTERVAL_MS);
    Object.assign(figures, {
      latencyPayloadP50: latency.beacon.p50,
      latencyPayloadP95: latency.beacon.p95,
      latencyPayloadP99: latency.beacon.p99,
      baselineLatencyPayloadP50: latency.baseline.p50,
      baselineLatencyPayloadP99: latency.baseline.p99,
    });
    const paint = await measurePopupPaint(withPayload, plan.popupOpens);
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
    figures.popupPaintMs = paint.beacon.length ? median(paint.beacon) : null;
    figures.popupFloorMs = paint.floor.length ? median(paint.floor) : null;
    figures.popupPaintRatio = ratio(figures.popupPaintMs, figures.popupFloorMs);
    const expand = await measureInboxExpand(withPayload, plan.expandOpens);
    figures.inboxExpandP50 = expand.length ? median(expand) : null;
    figures.inboxExpandP95 = expand.length ? percentile(expand, 95) : null;
    const restart = await measureRestart(withPayload, plan.restarts);
    figures.restartMs = median(restart.beaconMs);
    const baselineRestarts = restart.baselineMs.filter((ms): ms is number => ms !== null);
    figures.baselineRestartMs = baselineRestarts.length === restart.baselineMs.length ? median(baselineRestarts) : null;
    figures.baselineRestartMissed = restart.baselineMs.length - baselineRestarts.length;
    Object.assign(details, { latency, paint, expand, restart });
  } finally {
    await withPayload.close();
  }

  log(`${browser}: first opens, each in a fresh profile`);
  const first = await measureFirstOpens(browser, plan.firstOpens);
  figures.popupFirstPaintMs = first.beacon;
  figures.popupFirstFloorMs = first.floor;
  figures.popupFirstRatio =
    first.beacon !== null && first.floor !== null && first.floor > 0 ? first.beacon / first.floor : null;
  details.firstOpens = first;

  log(`${browser}: legacy events (refetch at ${plan.legacyRates.join(', ')} events/s, burst)`);
  // A fresh server and browser for each rate and for the burst: each starts from the same state.
  const withLegacyServer = async <T>(measure: (h: Harness) => Promise<T>): Promise<T> => {
    const legacy = await startHarness(browser, { server: { legacyEvents: true } });
    try {
      return await measure(legacy);
    } finally {
      await legacy.close();
    }
  };
  const legacyLatency: Record<number, LatencyResult> = {};
  for (const rate of plan.legacyRates) {
    const events = plan.legacyEvents ?? Math.min(rate * 10, 1000);
    const latency = await withLegacyServer((h) => measureLatency(h, events, 1000 / rate));
    legacyLatency[rate] = latency;
    Object.assign(figures, {
      [`latencyRefetch${rate}P50`]: latency.beacon.p50,
      [`latencyRefetch${rate}P99`]: latency.beacon.p99,
      [`refetchRequestsPerSecond${rate}`]: latency.beaconMaxRequestsPerSecond,
      [`baselineLatencyRefetch${rate}P50`]: latency.baseline.p50,
      [`baselineLatencyRefetch${rate}P99`]: latency.baseline.p99,
    });
  }
  const burst = await withLegacyServer((h) => measureBurst(h, plan.burstEvents));
  Object.assign(figures, {
    burstMaxRequestsPerCategory: Math.max(...Object.values(burst.beaconRequests)),
    burstRequests: Object.values(burst.beaconRequests).reduce((a, b) => a + b, 0),
    baselineBurstRequests: burst.baselineRequests,
    burstCorrectMs: burst.beaconCorrectMs,
    baselineBurstCorrectMs: burst.baselineCorrectMs,
  });
  Object.assign(details, { legacyLatency, burst });
  return { figures, details };
}
