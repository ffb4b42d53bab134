import vue from '@vitejs/plugin-vue';
import { configDefaults, defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/** Server-side units that start no server and no Redis: they belong to the fast loop. */
const PURE_SERVER_TESTS = ['tests/server/sse-hub.test.ts', 'tests/server/backend-memory.test.ts'];
/** Runs `npm run zip` (two production builds); `npm test` reuses its `.output` for the browser suites. */
const BUILD_TESTS = ['tests/integration/zip.test.ts'];
const INTEGRATION_WORKERS = 2;

/**
 * Three projects, each file in exactly one (`npx vitest --project unit` watches one):
 * - unit: pure modules, the background with a fake browser and a fake fetch, the Vue components. No server, no Redis,
 *   no build; `npm run test:fast` (with the type check) in well under a minute.
 * - server: the reference server on a real port, Redis processes, the extension's code against a real server.
 * - build: the store zips.
 * Real browsers are vitest.e2e.config.ts.
 */
export default defineConfig({
  plugins: [vue(), WxtVitest()],
  test: {
    environment: 'happy-dom',
    restoreMocks: true,
    setupFiles: ['tests/setup.ts'],
    // The background wiring tests import the whole entrypoint (1.5–3 s on a loaded 2-core machine) before they wait
    // for the badge: the default 5 s failed there. A hung test still fails, later.
    testTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', ...PURE_SERVER_TESTS],
          // One module graph and one happy-dom per worker instead of per file: 90 s → 15 s on 2 loaded cores (the
          // environment and the imports were 80% of it). Each test resets what it touches (fakeBrowser.reset(), real
          // timers); `npx vitest run --project unit --isolate` checks that every file still passes alone.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...PURE_SERVER_TESTS, ...BUILD_TESTS],
          // Vitest's default on 2 cores is one file at a time, and these files mostly wait (Redis failovers, the
          // connection test's 20 s for a heartbeat): two at a time took test:integration from 225 s to 112 s on the
          // 2-core machine under load 10, every test passing. Each file starts its own servers and Redis on free ports.
          maxWorkers: INTEGRATION_WORKERS,
          // After unit when all projects run together: Vitest runs projects with another maxWorkers as another group.
          sequence: { groupOrder: 1 },
        },
      },
      // The same maxWorkers as server, so that Vitest runs the two projects side by side, not one after the other.
      {
        extends: true,
        test: { name: 'build', include: BUILD_TESTS, maxWorkers: INTEGRATION_WORKERS, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
