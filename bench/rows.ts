/** The table's rows: one line per metric, one cell per browser (Beacon, baseline, ratio, goal met). */
import type { BenchBrowser } from './harness';
import { medianOfRuns, medianRatioOfRuns, round, type RunFigures } from './stats';

export interface Cell {
  beacon: number | null;
  baseline: number | null;
  ratio: number | null;
  met: boolean | null;
}

export interface Row {
  metric: string;
  unit: string;
  goal: string;
  cells: Partial<Record<BenchBrowser, Cell>>;
}

/** A goal check on a cell's Beacon figure and ratio; null figures never meet a goal. */
export type Check = (beacon: number, ratio: number | null) => boolean;

export const atMost =
  (limit: number): Check =>
  (beacon) =>
    beacon <= limit;
export const ratioAtMost =
  (limit: number): Check =>
  (_beacon, ratio) =>
    ratio !== null && ratio <= limit;

const rounded = (value: number | null, digits: number) => (value === null ? null : round(value, digits));

export function makeCell(beacon: number | null, baseline: number | null, ratio: number | null, check?: Check): Cell {
  return {
    beacon: rounded(beacon, 2),
    baseline: rounded(baseline, 2),
    ratio: rounded(ratio, 3),
    met: check ? beacon !== null && check(beacon, ratio) : null,
  };
}

/** Rows from each browser's per-run figures. */
export function createRows(runsByBrowser: Partial<Record<BenchBrowser, RunFigures[]>>) {
  const rows: Row[] = [];
  const browsers = Object.keys(runsByBrowser) as BenchBrowser[];
  /**
   * A metric every browser measured: Beacon's median over runs, the baseline's, and their ratio per run (or a
   * figure `ratioKey` that is already a ratio per run).
   */
  const row = (
    metric: string,
    unit: string,
    goal: string,
    keys: { beacon: string; baseline?: string; ratio?: string },
    check?: Check,
  ) => {
    const cells: Row['cells'] = {};
    for (const browser of browsers) {
      const runs = runsByBrowser[browser]!;
      const ratio = keys.ratio
        ? medianOfRuns(runs, keys.ratio)
        : keys.baseline
          ? medianRatioOfRuns(runs, keys.beacon, keys.baseline)
          : null;
      cells[browser] = makeCell(
        medianOfRuns(runs, keys.beacon),
        keys.baseline ? medianOfRuns(runs, keys.baseline) : null,
        ratio,
        check,
      );
    }
    rows.push({ metric, unit, goal, cells });
  };
  /** A metric with its cells given (sizes, heap, server rows). */
  const fixed = (metric: string, unit: string, goal: string, cells: Row['cells']) =>
    rows.push({ metric, unit, goal, cells });
  return { rows, row, fixed };
}
