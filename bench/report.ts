/** The bench report: bench/results.json with every figure, and bench/results.md with the table and notes. */
import { writeFileSync } from 'node:fs';
import type { BenchBrowser } from './beacon-harness';
import type { Cell, Row } from './rows';
import { round } from './stats';

/** What bench/run.ts measured; the report reads these fields and writes the whole object to results.json. */
export interface BenchResults {
  date: string;
  quick: boolean;
  plan: { runs: number };
  machine: {
    cpu: string;
    cores: number;
    memoryGb: number;
    node: string;
    loadAverage: [number, number];
    chromium: string;
    firefox: string;
  };
  rows: Row[];
  runs: Partial<Record<BenchBrowser, Array<Record<string, number | null>>>>;
  heap: { samples: Array<[number, number]> };
  loads: unknown[];
  sizes: unknown;
  details: Record<string, unknown>[];
}

const BROWSERS: BenchBrowser[] = ['chromium', 'firefox'];
const fmt = (value: number | null | undefined) => (value === null || value === undefined ? '—' : String(value));
const fmtMet = (cell: Cell | undefined) => (!cell || cell.met === null ? '' : cell.met ? 'yes' : '**no**');

/** Writes bench/results(-quick).json and .md, and returns the Markdown. */
export function writeReport(results: BenchResults): string {
  const { quick, plan, machine, rows, runs, heap, details } = results;
  const name = quick ? 'results-quick' : 'results';
  writeFileSync(`bench/${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
  const paints = (browser: BenchBrowser, key: 'beacon' | 'floor') =>
    details
      .filter((d) => d.browser === browser && 'paint' in d)
      .map((d) => (d.paint as Record<typeof key, number[]>)[key].map((ms) => round(ms, 0)).join('/'))
      .join(', ');
  const table = [
    `# Beacon benchmark${quick ? ' (quick)' : ''}`,
    '',
    `${results.date} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB · load average ${machine.loadAverage[0]} at the start, ${machine.loadAverage[1]} at the end (other engineers' tests share the machine) · Node ${machine.node} · ${machine.chromium} · ${machine.firefox} · median of ${plan.runs} run(s)`,
    '',
    "Baseline: the web app's original strategy in the same browser and run (EventSource, one REST refetch per event, no",
    'coalescing, reconnect that gives up after 5 tries); for the popup rows, a framework-free page that paints the same',
    'snapshot. Ratio = Beacon / baseline, per run, median. Rows with a Chromium column only: the heap is read over CDP,',
    'which Firefox does not offer; the server rows involve no browser.',
    '',
    '| metric | unit | goal | Chromium | baseline | ratio | met | Firefox | baseline | ratio | met |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const cells = BROWSERS.map((b) => {
        const c = r.cells[b];
        return `${fmt(c?.beacon)} | ${fmt(c?.baseline)} | ${fmt(c?.ratio)} | ${fmtMet(c)}`;
      });
      return `| ${r.metric} | ${r.unit} | ${r.goal} | ${cells.join(' | ')} |`;
    }),
    '',
    ...BROWSERS.filter((b) => runs[b]).map(
      (b) =>
        `${b}: baseline restarts where it never showed the new event: ${runs[b]!.map((r) => r.baselineRestartMissed ?? 0).join(', ')} (per run). ` +
        `Popup paint per open (ms, per run): Beacon ${paints(b, 'beacon')}; framework-free page ${paints(b, 'floor')}.`,
    ),
    `Chromium worker heap samples (events: MB): ${heap.samples.map(([n, b]) => `${n}: ${round(b / 1024 / 1024, 2)}`).join(', ')}.`,
    '',
    ...getNotes(rows),
  ].join('\n');
  writeFileSync(`bench/${name}.md`, table);
  return table;
}

/**
 * Which goals this run missed and by how much. What the code does (caps, throttles, the prepaint) is said in the code
 * and docs/architecture.md, not restated here, where it would go stale.
 */
function getNotes(rows: Row[]): string[] {
  const notes: string[] = [];
  for (const r of rows) {
    for (const browser of BROWSERS) {
      const c = r.cells[browser];
      if (c?.met !== false) continue;
      const limit = Number(/[\d.]+/.exec(r.goal)?.[0]);
      const ratioGoal = r.goal.includes('×');
      const value = ratioGoal ? c.ratio : c.beacon;
      const over = value !== null && Number.isFinite(limit) ? ` (over by ${round(value - limit, 3)})` : '';
      notes.push(
        `- **Missed in ${browser}: ${r.metric}**: ${fmt(value)}${ratioGoal ? '×' : ` ${r.unit}`} against ${r.goal}${over}.`,
      );
    }
  }
  return [...notes, ''];
}
