/** Small statistics for the benchmark: percentiles and medians. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** One benchmark run's figures by name (null where a run could not measure it). */
export type RunFigures = Record<string, number | null>;

/** The median of one figure over the runs that have it; null when none has. */
export function medianOfRuns(runs: RunFigures[], key: string): number | null {
  const numbers = runs.map((r) => r[key]).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
  return numbers.length ? median(numbers) : null;
}

/** The median over runs of Beacon's figure divided by the baseline's, in the same run. */
export function medianRatioOfRuns(runs: RunFigures[], beacon: string, baseline: string): number | null {
  const ratios = runs
    .map((r) => {
      const [a, b] = [r[beacon], r[baseline]];
      return typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : null;
    })
    .filter((v): v is number => v !== null);
  return ratios.length ? median(ratios) : null;
}
