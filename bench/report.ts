/** The bench report: bench/results.json with every figure, and bench/results.md with the table and notes. */
import { writeFileSync } from 'node:fs';
import { round } from './stats';

interface Row {
  metric: string;
  beacon: number | null;
  baseline: number | null;
  ratio: number | null;
  unit: string;
  goal: string;
  met: boolean | null;
}

/** What bench/run.ts measured; the report reads these fields and writes the whole object to results.json. */
export interface BenchResults {
  date: string;
  quick: boolean;
  plan: { runs: number };
  machine: { cpu: string; cores: number; memoryGb: number; node: string; chromium: string };
  rows: Row[];
  runs: Array<Record<string, number | null>>;
  heap: { samples: Array<[number, number]> };
  loads: unknown[];
  sizes: unknown;
  details: Record<string, unknown>[];
}

/** Writes bench/results(-quick).json and .md, and returns the Markdown. */
export function writeReport(results: BenchResults): string {
  const { quick, plan, machine, rows, runs, heap, details } = results;
  const name = quick ? 'results-quick' : 'results';
  writeFileSync(`bench/${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
  const fmt = (value: number | null) => (value === null ? '—' : String(value));
  const table = [
    `# Beacon benchmark${quick ? ' (quick)' : ''}`,
    '',
    `${results.date} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB · Node ${machine.node} · ${machine.chromium} · median of ${plan.runs} run(s)`,
    '',
    "Baseline: the web app's original strategy in the same browser and run (EventSource, one REST refetch per event, no",
    'coalescing, reconnect that gives up after 5 tries). Ratio = Beacon / baseline, per run, median.',
    '',
    '| metric | Beacon | baseline | ratio | unit | goal | met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${fmt(r.beacon)} | ${fmt(r.baseline)} | ${fmt(r.ratio)} | ${r.unit} | ${r.goal} | ${r.met === null ? '' : r.met ? 'yes' : '**no**'} |`,
    ),
    '',
    `Baseline restarts where it never showed the new event: ${runs.map((r) => r.baselineRestartMissed ?? 0).join(', ')} (per run).`,
    `Worker heap samples (events: MB): ${heap.samples.map(([n, b]) => `${n}: ${round(b / 1024 / 1024, 2)}`).join(', ')}.`,
    `Popup paint per open (ms, per run): Beacon ${details.flatMap((d) => ('paint' in d ? [(d.paint as { beacon: number[] }).beacon.map((ms) => round(ms, 0)).join('/')] : [])).join(', ')}; ` +
      `framework-free page ${details.flatMap((d) => ('paint' in d ? [(d.paint as { floor: number[] }).floor.map((ms) => round(ms, 0)).join('/')] : [])).join(', ')}.`,
    '',
    ...getNotes(rows),
  ].join('\n');
  writeFileSync(`bench/${name}.md`, table);
  return table;
}

/** Why a goal is missed, or what a figure without a goal costs, in words next to the numbers of this run. */
function getNotes(rows: Row[]): string[] {
  const find = (prefix: string) => rows.find((r) => r.metric.startsWith(prefix));
  const notes: string[] = [];
  for (const r of rows.filter((row) => row.met === false)) {
    const limit = Number(/[\d.]+/.exec(r.goal)?.[0]);
    const over =
      r.beacon !== null && Number.isFinite(limit) ? ` (over by ${round(r.beacon - limit, 1)} ${r.unit})` : '';
    notes.push(`- **Missed: ${r.metric}**: ${r.beacon ?? '—'} ${r.unit} against ${r.goal}${over}.`);
  }
  const popup = find('Popup open');
  const floor = find('Same, framework-free page')?.beacon ?? null;
  if (popup?.beacon !== undefined && popup.beacon !== null && floor !== null)
    notes.push(
      `- Popup: a page with no framework that reads the same snapshot and writes the counts takes ${floor} ms here, which is what`,
      `  the browser costs to create an extension page and read storage. Beacon's popup adds ${round(popup.beacon - floor, 1)} ms: evaluating its`,
      `  one script (Vue, Pinia, messaging) and mounting. It fetches one script and no stylesheet (each page its own build, CSS`,
      `  inlined; A/B in Chromium 156, 15 opens each in three sessions: 50.5/44.6/48.7 ms before, 45.0/42.3/41.9 ms after).`,
      `  Tried without a measurable gain: starting the storage read before the modules load, in a classic script (A/B, 32`,
      `  opens each: 73.0 vs 72.6 ms) or at the top of the bundle (45 opens each: 44.6 ms with it, 44.0 without). Vue's`,
      `  Options API is compiled out. The first open in a fresh profile is slower for both pages: no V8 code cache for the`,
      `  script yet.`,
    );
  notes.push(
    `- Without \`unread_count\` in the event (legacy servers), Beacon refetches the category's count: the first event at once,`,
    `  then at most one request per 275 ms per category (a trailing request after the last event), so at any event rate the`,
    `  badge is at most about 275 ms plus one round trip behind, at no more than 4 requests a second per category. With the`,
    `  count in the payload, as docs/protocol.md recommends, the badge follows within milliseconds (the payload rows).`,
  );
  return notes.length ? [...notes, ''] : [];
}

/** The table's rows and a function that adds one, rounding its figures. */
export function createRows() {
  const rows: Row[] = [];
  const row = (
    metric: string,
    beacon: number | null,
    baseline: number | null,
    ratio: number | null,
    unit: string,
    goal: string,
    met: boolean | null,
  ) =>
    rows.push({
      metric,
      beacon: beacon === null ? null : round(beacon, 2),
      baseline: baseline === null ? null : round(baseline, 2),
      ratio: ratio === null ? null : round(ratio, 3),
      unit,
      goal,
      met,
    });
  return { rows, row };
}
