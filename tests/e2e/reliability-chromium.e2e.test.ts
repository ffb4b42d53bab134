/**
 * The fixed-seed reliability run in real Chromium: every fault once (tests/e2e/reliability-plan.ts). The
 * misbehaving-server faults of issue #14 (tests/reliability/hostile-faults.ts) are among them: this file and
 * reliability-firefox.e2e.test.ts are their one real-browser run. The worker-lifetime test, two minutes of waiting
 * for a browser left alone, runs beside it (concurrently, each with its own browser and server): this file is the
 * longest of the suite anyway, so the lifetime test adds no time to it.
 */
import { describe, it } from 'vitest';
import { runSoak } from '../reliability/soak';
import { formatSoakReport } from '../reliability/soak-report';
import { defineWorkerLifetimeScenario } from './worker-lifetime-scenario';
import { RELIABILITY_ORDER, RELIABILITY_SEED, logReliability, runsReliabilityIn } from './reliability-plan';

describe.concurrent('Chromium, long runs side by side', () => {
  describe.skipIf(!runsReliabilityIn('chromium'))('reliability, Chromium', () => {
    it(
      'recovers from every fault with the badge right, no storm, no flood, nothing lost',
      { timeout: 600_000 },
      // The test's own expect: it runs concurrently with another test.
      async ({ expect }) => {
        const report = await runSoak({
          browser: 'chromium',
          seed: RELIABILITY_SEED,
          faults: RELIABILITY_ORDER,
          scale: 'short',
          log: logReliability,
        });
        console.log(formatSoakReport(report));
        expect(report.violations).toEqual([]);
        expect(report.stats.map((stat) => stat.name).sort()).toEqual(
          RELIABILITY_ORDER.map((fault) => fault.name).sort(),
        );
        expect(report.stats.every((stat) => stat.recovered === stat.injected)).toBe(true);
        expect(report.lost).toBe(0);
        expect(report.notifications).toBeGreaterThan(0); // notifications were on: the flood check checked something
      },
    );
  });

  defineWorkerLifetimeScenario();
});
