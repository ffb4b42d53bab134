/**
 * A misbehaving server (issue #14), in real Chromium and Firefox: absurd Retry-After values, ids that cannot be sent
 * back, count requests that hang or answer with megabytes or at 1 byte/s. The same faults run in the fixed-seed
 * reliability run among all the others; this file runs only them, with the same invariants, for a quick check.
 */
import { describe, expect, it } from 'vitest';
import { hasBrowser } from '../drivers/browsers';
import { HOSTILE_FAULTS } from '../reliability/hostile-faults';
import { runSoak } from '../reliability/soak';
import { formatSoakReport } from '../reliability/soak-report';
import type { RigBrowserName } from '../reliability/rig';

const SEED = 14;
/** `BEACON_FAULTS=rest-hang,odd-event-ids` runs only those (to measure one fault, e.g. against an older build). */
const only = process.env.BEACON_FAULTS?.split(',');
const faults = HOSTILE_FAULTS.filter((fault) => !only || only.includes(fault.name));
/** `BEACON_BROWSERS=firefox` runs one browser. */
const browsers = (process.env.BEACON_BROWSERS?.split(',') ?? ['chromium', 'firefox']) as RigBrowserName[];
const log = (line: string) => console.log(`[hostile] ${line}`);

for (const browser of browsers) {
  describe.skipIf(!hasBrowser(browser))(`hostile server, ${browser}`, () => {
    it('survives every hostile answer: no storm, connects again, counts right', { timeout: 600_000 }, async () => {
      const report = await runSoak({ browser, seed: SEED, faults, scale: 'short', log });
      console.log(formatSoakReport(report));
      expect(report.violations).toEqual([]);
      expect(report.stats.map((stat) => stat.name)).toHaveLength(faults.length);
      expect(report.stats.every((stat) => stat.recovered === stat.injected)).toBe(true);
      expect(report.lost).toBe(0);
    });
  });
}
