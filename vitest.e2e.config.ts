import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/e2e/longest-first-sequencer';

/** Real-browser suites: two files at a time on a 2-core machine, the longest first. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.e2e.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    maxWorkers: 2,
    fileParallelism: true,
    sequence: { sequencer: LongestFirstSequencer },
  },
});
