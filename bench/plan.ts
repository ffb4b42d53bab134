/** What `npm run bench` measures and how much of it: the full plan, or the `--quick` one `npm test` runs. */
import { parseArgs } from 'node:util';

export function getBenchPlan() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      runs: { type: 'string' },
      'skip-build': { type: 'boolean' },
      only: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  // The Redis figures: streams over one and two instances, cross-instance latency, replay (bench/redis-load.ts).
  const redisPlan = quick
    ? { redisClients: [100], redisPublishes: 20, redisReplays: 2 }
    : { redisClients: [10_000, 20_000], redisPublishes: 500, redisReplays: 20 };
  const plan = quick
    ? {
        runs: 1,
        latencyEvents: 30,
        legacyRates: [50],
        burstEvents: 200,
        restarts: 1,
        popupOpens: 2,
        heapEvents: 400,
        loadClients: [100],
      }
    : {
        runs: Number(values.runs ?? 3),
        latencyEvents: 500,
        legacyRates: [10, 50, 200],
        burstEvents: 1000,
        restarts: 5,
        popupOpens: 15,
        heapEvents: 10_000,
        loadClients: [1000, 10_000],
      };
  return { values, quick, plan, redisPlan };
}
