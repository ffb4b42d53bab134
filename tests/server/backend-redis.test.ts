// @vitest-environment node
/** The backend contract against the Redis store, on a real redis-server (one per file, a fresh key prefix per store). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../server/store/redis-store';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';
import { describeBackendContract } from './backend-contract';

const missing = getRedisMissingReason();
if (missing) describe.skip(`Redis backend (skipped: ${missing})`, () => {});
else {
  let redis: RedisProcess;
  let next = 0;
  beforeAll(async () => {
    redis = await RedisProcess.start();
  });
  afterAll(() => redis.stop());
  describeBackendContract('redis', (options) => RedisStore.connect(redis.url, { ...options, prefix: `t${next++}:` }));
}

describe('Redis key prefix', () => {
  // Braces would become the hash tag of every key and channel: one slot for all users on a cluster, and the user's
  // own tag ignored. Refused before anything connects, so no Redis is needed.
  it.each(['beacon{x}:', 'a}b:', '{'])('refuses %j with a clear error', async (prefix) => {
    await expect(RedisStore.connect('redis://127.0.0.1:1', { prefix })).rejects.toThrow(/prefix .*braces/);
  });
});
