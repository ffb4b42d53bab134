// @vitest-environment node
/**
 * Several server instances on one Redis, as behind a load balancer: any instance answers any request, live events
 * and mark read reach streams on every instance, replay works wherever the client reconnects, and a Redis outage
 * ends streams and answers 503 until Redis is back, losing nothing that was acknowledged.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';
import { ALICE, auth, publish, stream } from '../helpers/server-fixture';
import { getEventIds } from '../helpers/sse-client';
import { defineScaleOutTests, getUnreadCount as counts, startPair } from './scale-out-scenarios';

const missing = getRedisMissingReason();
let redis: RedisProcess;
const pair = () => startPair(redis.url);

describe.skipIf(missing)(`several instances on one Redis${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    redis = await RedisProcess.start({ appendOnly: true });
  });
  afterAll(() => redis?.stop());

  defineScaleOutTests(() => redis.url);

  it('a Redis that refuses writes (out of memory) gives 503 with Retry-After, not 500', async () => {
    const [a] = await pair();
    const admin = new Redis(redis.url);
    try {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      const refused = await publish(a, { username: 'alice', notice_type: 0 });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
    }
    expect((await publish(a, { username: 'alice', notice_type: 0 })).status).toBe(201);
  });

  it('Redis down: streams end, requests get 503 with Retry-After; Redis back: recovery, nothing acknowledged lost', async () => {
    const [a, b] = await pair();
    const onA = await stream(a);
    await onA.waitFor(': connected');
    await publish(b, { username: 'alice', notice_type: 0, title: 'before' });
    const [before] = getEventIds(await onA.waitFor('"title":"before"'));
    const acknowledged = await publish(b, { username: 'alice', notice_type: 0, title: 'acknowledged' });
    expect(acknowledged.status).toBe(201);

    await redis.kill();
    await onA.ended;
    for (const server of [a, b]) {
      const me = await fetch(`${server.url}/notification/me`, { headers: auth(ALICE.token) });
      expect(me.status).toBe(503);
      expect(me.headers.get('retry-after')).toBe('5');
      expect(await me.json()).toEqual({ error: expect.stringMatching(/unavailable/) });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      expect((await stream(server)).status).toBe(503);
    }

    await redis.restart();
    const started = Date.now();
    while ((await fetch(`${a.url}/healthz`)).status !== 200 || (await fetch(`${b.url}/healthz`)).status !== 200) {
      expect(Date.now() - started, 'instances back within 10 s').toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const resumed = await stream(b, { ...auth(ALICE.token), 'Last-Event-ID': before! });
    await resumed.waitFor('"title":"acknowledged"');
    expect(resumed.text()).not.toContain('resync');
    await publish(a, { username: 'alice', notice_type: 0, title: 'after' });
    await resumed.waitFor('"title":"after"');
    expect(await counts(a)).toBe(3);
  }, 30_000);
});
