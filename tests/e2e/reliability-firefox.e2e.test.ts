/**
 * The fixed-seed reliability run in real Firefox: every fault its automation allows (tests/e2e/reliability-plan.ts),
 * the hostile-server faults included.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../reliability/soak';
import { formatSoakReport } from '../reliability/soak-report';
import { RELIABILITY_ORDER, RELIABILITY_SEED, logReliability, runsReliabilityIn } from './reliability-plan';

describe.skipIf(!runsReliabilityIn('firefox'))('reliability, Firefox', () => {
  it('recovers from every server-side fault with the badge right and nothing lost', { timeout: 600_000 }, async () => {
    // The 45 s stall runs in Chromium and in the soak.
    const faults = RELIABILITY_ORDER.filter((fault) => !fault.only && fault.name !== 'stall');
    const report = await runSoak({
      browser: 'firefox',
      seed: RELIABILITY_SEED,
      faults,
      scale: 'short',
      log: logReliability,
    });
    console.log(formatSoakReport(report));
    expect(report.violations).toEqual([]);
    expect(report.stats.every((stat) => stat.recovered === stat.injected)).toBe(true);
    expect(report.lost).toBe(0);
  });
});
