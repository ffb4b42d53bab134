/** Which rows the table has, and their goals. bench/rows.ts makes the cells; bench/report.ts writes them. */
import type { BenchBrowser } from './harness';
import type { HeapResult } from './heap';
import { atMost, createRows, makeCell, ratioAtMost, type Cell, type Check, type Row } from './rows';
import type { RunFigures } from './stats';
import { PAIRS_DURING_LOAD, type SustainedResult } from './sustained';

interface TableInput {
  runs: Partial<Record<BenchBrowser, RunFigures[]>>;
  plan: { legacyRates: number[]; burstEvents: number; heapEvents: number };
  heap: Partial<Record<BenchBrowser, HeapResult>>;
  loads: Array<{ clients: number; held: number; broadcast: { p99: number }; serverRssMb: number }>;
  sizes: Record<BenchBrowser, { backgroundGz: number; popupGz: number }>;
  sustained: Partial<Record<BenchBrowser, SustainedResult>>;
}

export function addRows({ runs, plan, heap, loads, sizes, sustained }: TableInput): Row[] {
  const { rows, row, fixed } = createRows(runs);
  row('Publish → badge p50, payload count', 'ms', '', {
    beacon: 'latencyPayloadP50',
    baseline: 'baselineLatencyPayloadP50',
  });
  row('Publish → badge p95, payload count', 'ms', '', { beacon: 'latencyPayloadP95' });
  row(
    'Publish → badge p99, payload count',
    'ms',
    '≤ 15',
    { beacon: 'latencyPayloadP99', baseline: 'baselineLatencyPayloadP99' },
    atMost(15),
  );
  for (const rate of plan.legacyRates) {
    row(`Publish → badge p50, legacy server, ${rate} events/s`, 'ms', '', {
      beacon: `latencyRefetch${rate}P50`,
      baseline: `baselineLatencyRefetch${rate}P50`,
    });
    row(
      `Publish → badge p99, legacy server, ${rate} events/s`,
      'ms',
      '≤ 300',
      { beacon: `latencyRefetch${rate}P99`, baseline: `baselineLatencyRefetch${rate}P99` },
      atMost(300),
    );
    row(
      `Count requests for the category, most in one second (${rate} events/s)`,
      'requests',
      '≤ 4',
      { beacon: `refetchRequestsPerSecond${rate}` },
      atMost(4),
    );
  }
  row(`Burst of ${plan.burstEvents}: REST requests (all categories)`, 'requests', '', {
    beacon: 'burstRequests',
    baseline: 'baselineBurstRequests',
  });
  row(
    `Burst of ${plan.burstEvents}: most requests for one category`,
    'requests',
    '≤ 6',
    { beacon: 'burstMaxRequestsPerCategory' },
    atMost(6),
  );
  row(
    `Burst of ${plan.burstEvents}: last event → correct badge`,
    'ms',
    '≤ 300',
    { beacon: 'burstCorrectMs', baseline: 'baselineBurstCorrectMs' },
    atMost(300),
  );
  // The popup's "baseline" is the framework-free page in the same browser and run: what the browser alone costs.
  row(
    'Popup open → counts painted, warm (baseline: framework-free page)',
    'ms',
    '≤ 1.15× floor',
    { beacon: 'popupPaintMs', baseline: 'popupFloorMs', ratio: 'popupPaintRatio' },
    ratioAtMost(1.15),
  );
  row(
    'Popup, first open in a fresh profile (baseline: framework-free page, first open)',
    'ms',
    '≤ 1.3× floor',
    { beacon: 'popupFirstPaintMs', baseline: 'popupFirstFloorMs', ratio: 'popupFirstRatio' },
    ratioAtMost(1.3),
  );
  row('Popup expand → list painted, median', 'ms', '≤ 100', { beacon: 'inboxExpandP50' }, atMost(100));
  row('Popup expand → list painted, p95', 'ms', '≤ 200', { beacon: 'inboxExpandP95' }, atMost(200));
  row(
    'Server restart → badge live and right',
    'ms',
    '≤ 1500',
    { beacon: 'restartMs', baseline: 'baselineRestartMs' },
    atMost(1500),
  );
  row('First Save after install → first stream request', 'ms', '', { beacon: 'firstSaveMs' });
  const perBuild = (pick: (size: { backgroundGz: number; popupGz: number }) => number, limit: number) => ({
    chromium: makeCell(pick(sizes.chromium) / 1024, null, null, atMost(limit)),
    firefox: makeCell(pick(sizes.firefox) / 1024, null, null, atMost(limit)),
  });
  fixed(
    'Background bundle, gzipped',
    'KB',
    '≤ 40',
    perBuild((s) => s.backgroundGz, 40),
  );
  fixed(
    'Popup bundle, gzipped',
    'KB',
    '≤ 90',
    perBuild((s) => s.popupGz, 90),
  );
  // Heap rows: a cell for each browser that offers automation a heap reading (harness.ts `openProbe`).
  const perHeap = (pick: (bytes: number[]) => number, check: Check) =>
    Object.fromEntries(
      Object.entries(heap).map(([browser, { samples }]) => [
        browser,
        makeCell(pick(samples.map(([, bytes]) => bytes)) / 1024 / 1024, null, null, check),
      ]),
    ) as Partial<Record<BenchBrowser, Cell>>;
  fixed(
    `Background heap after ${plan.heapEvents} events`,
    'MB',
    '≤ 8',
    perHeap((bytes) => bytes.at(-1)!, atMost(8)),
  );
  fixed(
    'Background heap growth, first to last sample',
    'MB',
    'flat (< 1)',
    perHeap(
      (bytes) => bytes.at(-1)! - bytes[1]!,
      (mb) => Math.abs(mb) < 1,
    ),
  );
  // Sustained load, one cell per browser measured (CPU and heap where the browser tells: sustained.ts).
  const perBrowser = (
    pick: (result: SustainedResult) => [value: number | null, baseline: number | null, ratio: number | null],
    check?: (value: number, ratio: number | null) => boolean,
  ) =>
    Object.fromEntries(
      Object.entries(sustained)
        .map(([browser, result]) => [browser, pick(result)] as const)
        // A figure the browser does not offer (Firefox: heap, CPU) is no cell, not a missed goal.
        .filter(([, [value]]) => value !== null)
        .map(([browser, figures]) => [browser, makeCell(...figures, check)]),
    ) as Partial<Record<BenchBrowser, Cell>>;
  const any = Object.values(sustained)[0];
  if (any) {
    const load = `${any.events} events at ${any.rate.toLocaleString('en')}/s (${Math.round(any.loadSeconds)} s)`;
    fixed(
      `Sustained ${load}: worker CPU per event (first quarter of the load, no page open)`,
      'ms',
      '',
      perBrowser((r) => [r.cpuMsPerEvent, null, null]),
    );
    fixed(
      `Sustained: load stops → badge right`,
      'ms',
      '≤ 100',
      perBrowser((r) => [r.badgeRightAfterMs, null, null], atMost(100)),
    );
    const heapMb = (r: SustainedResult) => r.heapSamples.map(([, bytes]) => bytes / 1024 / 1024);
    fixed(
      `Sustained: worker heap, largest sample`,
      'MB',
      '≤ 8',
      perBrowser((r) => [heapMb(r).length ? Math.max(...heapMb(r)) : null, null, null], atMost(8)),
    );
    fixed(
      `Sustained: worker heap growth, second to last sample`,
      'MB',
      'flat (< 1)',
      perBrowser(
        (r) => [heapMb(r).length > 2 ? heapMb(r).at(-1)! - heapMb(r)[1]! : null, null, null],
        (v) => Math.abs(v) < 1,
      ),
    );
    fixed(
      `Sustained: OS notifications created (baseline: what the planner allows, one per batch)`,
      'notifications',
      '≤ allowed',
      perBrowser(
        (r) => [r.notificationsCreated, r.notificationsAllowed, r.notificationsCreated / r.notificationsAllowed],
        ratioAtMost(1),
      ),
    );
    // The quick pass's load can be over before a pair of opens starts: the row stays, with empty cells.
    fixed(
      `Sustained: popup open → counts painted during the load, median of up to ${PAIRS_DURING_LOAD} pairs (baseline: framework-free page)`,
      'ms',
      '≤ 1.15× floor',
      perBrowser(
        (r) => [
          r.popupDuringLoadMs,
          r.floorDuringLoadMs,
          r.popupDuringLoadMs !== null && r.floorDuringLoadMs ? r.popupDuringLoadMs / r.floorDuringLoadMs : null,
        ],
        (_v, ratio) => ratio !== null && ratio <= 1.15,
      ),
    );
  }
  for (const load of loads) {
    fixed(`Server: streams held of ${load.clients}`, 'streams', `${load.clients}`, {
      chromium: makeCell(load.held, null, null, (held) => held === load.clients),
    });
    fixed(`Server: broadcast p99 to ${load.clients} streams`, 'ms', '', {
      chromium: makeCell(load.broadcast.p99, null, null),
    });
    fixed(`Server: RSS with ${load.clients} streams`, 'MB', '', { chromium: makeCell(load.serverRssMb, null, null) });
  }
  return rows;
}
