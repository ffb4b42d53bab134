/**
 * Runs the e2e files longest first, so that the two workers finish together. Vitest's own order puts files it has no
 * timings for (every fresh CI machine) largest in bytes first: the reliability run, a small file with the longest
 * test, then started last and ran alone for minutes (874 s instead of about 620 s, simulated from the figures below).
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each file took in the clean-clone CI run on 2 cores (2026-12-05), with later changes to a file estimated
 * from its own before/after run; only the order matters. A file missing here runs first: its cost is unknown.
 */
const EXPECTED_SECONDS: Record<string, number> = {
  'tests/e2e/reliability-chromium.e2e.test.ts': 285, // with the worker-lifetime test beside it
  'tests/e2e/reliability-firefox.e2e.test.ts': 200,
  'tests/e2e/chromium.e2e.test.ts': 117,
  'tests/e2e/firefox.e2e.test.ts': 75,
  // The accessibility walks, measured alone at load 9 to 11 (both languages, both schemes, the keyboard walk).
  'tests/e2e/a11y-firefox.e2e.test.ts': 62,
  'tests/e2e/a11y-chromium.e2e.test.ts': 49,
  'tests/e2e/chromium-connection-test.e2e.test.ts': 30,
  'tests/e2e/storage-caps.e2e.test.ts': 25,
  'tests/e2e/firefox-connection-test.e2e.test.ts': 16,
  'tests/e2e/demo-profile.e2e.test.ts': 5,
  'tests/e2e/chromium-instances.e2e.test.ts': 4,
  'tests/e2e/chromium-attacker.e2e.test.ts': 3,
};

export class LongestFirstSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cost = (file: TestSpecification) =>
      EXPECTED_SECONDS[relative(file.project.config.root, file.moduleId).replaceAll('\\', '/')] ?? Infinity;
    return Promise.resolve([...files].sort((a, b) => cost(b) - cost(a)));
  }
}
