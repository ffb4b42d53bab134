import { defineConfig } from 'vitest/config';

/** Real-browser suites: one browser per file, two files at a time on a 2-core machine. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.e2e.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    maxWorkers: 2,
    fileParallelism: true,
  },
});
