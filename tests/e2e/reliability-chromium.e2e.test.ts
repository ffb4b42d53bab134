/**
 * The fixed-seed reliability run in real Chromium: every fault once (tests/e2e/reliability-plan.ts). The
 * misbehaving-server faults of issue #14 (tests/reliability/hostile-faults.ts) are among them: this file and
 * reliability-firefox.e2e.test.ts are their one real-browser run.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../reliability/soak';
import { formatSoakReport } from '../reliability/soak-report';
import { RELIABILITY_ORDER, RELIABILITY_SEED, logReliability, runsReliabilityIn } from './reliability-plan';

describe.skipIf(!runsReliabilityIn('chromium'))('reliability, Chromium', () => {
  it(
    'recovers from every fault with the badge right, no storm, no flood, nothing lost',
    { timeout: 600_000 },
    async () => {
      const report = await runSoak({
        browser: 'chromium',
        seed: RELIABILITY_SEED,
        faults: RELIABILITY_ORDER,
        scale: 'short',
        log: logReliability,
      });
      console.log(formatSoakReport(report));
      expect(report.violations).toEqual([]);
      expect(report.stats.map((stat) => stat.name).sort()).toEqual(RELIABILITY_ORDER.map((fault) => fault.name).sort());
      expect(report.stats.every((stat) => stat.recovered === stat.injected)).toBe(true);
      expect(report.lost).toBe(0);
      expect(report.notifications).toBeGreaterThan(0); // notifications were on: the flood check checked something
    },
  );
});
