// @vitest-environment node
/**
 * The server on a real Redis Cluster (3 masters with one replica each, started here on loopback ports): the backend
 * contract and the scale-out tests of one Redis pass unchanged with `--redis` naming one node; users spread over
 * every shard.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../server/store/redis-store';
import { getClusterMissingReason, RedisCluster } from '../helpers/redis-cluster';
import { publish } from '../helpers/server-fixture';
import { describeBackendContract } from './backend-contract';
import { defineScaleOutTests, startPair } from './scale-out-scenarios';

const missing = getClusterMissingReason();
let cluster: RedisCluster;
let next = 0;

describe.skipIf(missing)(`Redis Cluster, 3 shards${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
  }, 60_000);
  afterAll(() => cluster?.stop());

  describeBackendContract('redis cluster', (options) =>
    RedisStore.connect(cluster.url, { ...options, prefix: `c${next++}:` }),
  );

  defineScaleOutTests(() => cluster.url);

  it('spreads users over every shard: each user in one slot, every master holding some', async () => {
    const [a] = await startPair(cluster.url);
    for (let i = 0; i < 30; i++) {
      await a.store.upsertUser({ username: `user ${i}`, role: 'user' });
      expect((await publish(a, { username: `user ${i}`, notice_type: i % 6 })).status).toBe(201);
    }
    const sizes = await Promise.all(
      (await cluster.getMasterPorts()).map(async (port) => {
        const node = new Redis({ port, host: '127.0.0.1' });
        try {
          return await node.dbsize();
        } finally {
          node.disconnect();
        }
      }),
    );
    expect(sizes).toHaveLength(3);
    for (const size of sizes) expect(size).toBeGreaterThan(10);
  });
});
