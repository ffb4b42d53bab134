import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  plugins: [vue(), WxtVitest()],
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.test.ts', 'tests/server/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    restoreMocks: true,
    setupFiles: ['tests/setup.ts'],
    // The background wiring tests import the whole entrypoint (1.5–3 s on a loaded 2-core machine) before they wait
    // for the badge: the default 5 s failed there. A hung test still fails, later.
    testTimeout: 15_000,
  },
});
