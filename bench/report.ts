/**
 * The bench report: bench/results.json with every figure (generated, not committed), and bench/results.md, whose
 * sections (this table, the Redis figures, the capacity curve) are each replaced by the run that measures them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchBrowser } from './harness';
import type { Cell, Row } from './rows';
import type { HeapResult } from './heap';
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
  heap: Partial<Record<BenchBrowser, HeapResult>>;
  loads: unknown[];
  sizes: unknown;
  details: Record<string, unknown>[];
}

const BROWSERS: BenchBrowser[] = ['chromium', 'firefox'];
const fmt = (value: number | null | undefined) => (value === null || value === undefined ? '—' : String(value));
const fmtMet = (cell: Cell | undefined) => (!cell || cell.met === null ? '' : cell.met ? 'yes' : '**no**');

/** Writes bench/results(-quick).json and the browser section of the .md, and returns that section. */
export function writeReport(results: BenchResults): string {
  const { quick, plan, machine, rows, runs, heap, details } = results;
  writeFileSync(`bench/${quick ? 'results-quick' : 'results'}.json`, `${JSON.stringify(results, null, 2)}\n`);
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
    'Baseline: bench/baseline-client.ts (popup rows: the framework-free page of bench/bench-pages.ts). Ratio = Beacon /',
    'baseline, per run, median. An empty cell: not measured in that browser.',
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
    ...Object.entries(heap).map(
      ([b, { samples }]) =>
        `${b}: background heap samples (events: MB): ${samples.map(([n, bytes]) => `${n}: ${round(bytes / 1024 / 1024, 2)}`).join(', ')}.`,
    ),
    '',
    ...getNotes(rows),
  ].join('\n');
  saveSection(resultsFile(quick), 'browser-bench', table);
  return table;
}

/** The Markdown report: results.md (committed) for a full run, results-quick.md (ignored) for --quick. */
export const resultsFile = (quick: boolean) => `bench/${quick ? 'results-quick' : 'results'}.md`;

/**
 * Puts `body` into `file` (resultsFile) between `<!-- name -->` and `<!-- /name -->`, replacing what was there;
 * a new section goes after the others (the browser table before them). The other sections are kept.
 */
export function saveSection(file: string, name: string, body: string): void {
  const [start, end] = [`<!-- ${name} -->`, `<!-- /${name} -->`];
  const section = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  const [from, to] = [text.indexOf(start), text.indexOf(end)];
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : name === 'browser-bench'
        ? `${section}\n\n${text}`
        : `${text}\n\n${section}`;
  writeFileSync(file, `${next.trim()}\n`);
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
