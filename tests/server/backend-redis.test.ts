// @vitest-environment node
/** The backend contract against the Redis store, on a real redis-server (one per file, a fresh key prefix per store). */
import { afterAll, beforeAll, describe } from 'vitest';
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
