/** What `npm run bench` measures and how much of it: the full plan, or the `--quick` one `npm test` runs. */
import { parseArgs } from 'node:util';
import type { BenchBrowser } from './harness';
import type { BrowserPlan } from './browser-run';

export function getBenchPlan() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      runs: { type: 'string' },
      'skip-build': { type: 'boolean' },
      browsers: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const browsers = (values.browsers ?? 'chromium,firefox').split(',') as BenchBrowser[];
  for (const browser of browsers) {
    if (browser !== 'chromium' && browser !== 'firefox') throw new Error(`--browsers: unknown browser ${browser}`);
  }
  // The Redis figures: streams over one and two instances, cross-instance latency, replay (bench/redis-load.ts).
  const redisPlan = quick
    ? { redisClients: [100], redisPublishes: 20, redisReplays: 2 }
    : { redisClients: [10_000, 20_000], redisPublishes: 500, redisReplays: 20 };
  const plan: BrowserPlan & {
    runs: number;
    heapEvents: number;
    loadClients: number[];
    sustained: { rate: number; seconds: number; totalEvents: number };
  } = quick
    ? {
        runs: 1,
        latencyEvents: 30,
        legacyRates: [50],
        legacyEvents: 30,
        burstEvents: 200,
        restarts: 1,
        popupOpens: 2,
        expandOpens: 2,
        firstOpens: 1,
        heapEvents: 400,
        loadClients: [100],
        sustained: { rate: 1000, seconds: 2, totalEvents: 2000 },
      }
    : {
        runs: Number(values.runs ?? 3),
        latencyEvents: 500,
        legacyRates: [10, 50, 200],
        legacyEvents: null,
        burstEvents: 1000,
        restarts: 5,
        popupOpens: 15,
        expandOpens: 15,
        firstOpens: 2,
        heapEvents: 10_000,
        loadClients: [1000, 10_000],
        // 60 s at 1,000 events/s, then on at the same rate to 100,000 events in all.
        sustained: { rate: 1000, seconds: 60, totalEvents: 100_000 },
      };
  // The capacity curve (bench/capacity-curve.ts): `npm run bench -- --only capacity`; the quick plan stays small.
  const capacityPlan = quick
    ? { targets: [100, 500], publishes: 5 }
    : { targets: [1000, 5000, 10_000, 20_000], publishes: 20 };
  return { values, quick, browsers, plan, redisPlan, capacityPlan };
}
