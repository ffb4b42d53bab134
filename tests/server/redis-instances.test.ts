// @vitest-environment node
/**
 * Several server instances on one Redis, as behind a load balancer: any instance answers any request, live events
 * and mark read reach streams on every instance, replay works wherever the client reconnects, and a Redis outage
 * ends streams and answers 503 until Redis is back, losing nothing that was acknowledged.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconServer } from '../../server/app';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';
import { ALICE, auth, publish, signInCookie, start, stream } from '../helpers/server-fixture';
import { getEventIds } from '../helpers/sse-client';

const missing = getRedisMissingReason();
let redis: RedisProcess;
let prefix = 0;

/** Two instances sharing a fresh data set (key prefix) in the file's Redis. */
async function pair(): Promise<[BeaconServer, BeaconServer]> {
  const options = { redisUrl: redis.url, redisPrefix: `i${prefix++}:` };
  return [await start(options), await start(options)];
}

const counts = async (server: BeaconServer, category = 'likes') => {
  const response = await fetch(`${server.url}/notification/${category}?limit=1`, { headers: auth(ALICE.token) });
  return ((await response.json()) as { unread_count: number }).unread_count;
};

const markRead = (server: BeaconServer, category: string) =>
  fetch(`${server.url}/notification/${category}/read`, {
    method: 'POST',
    headers: { ...auth(ALICE.token), 'Content-Type': 'application/json' },
    body: '{}',
  });

describe.skipIf(missing)(`several instances on one Redis${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    redis = await RedisProcess.start({ appendOnly: true });
  });
  afterAll(() => redis?.stop());

  it('fans out a publish on one instance to streams on the other, with increasing ids', async () => {
    const [a, b] = await pair();
    const onB = await stream(b);
    await onB.waitFor(': connected');
    for (let i = 0; i < 5; i++)
      expect((await publish(a, { username: 'alice', notice_type: 0, title: `a${i}` })).status).toBe(201);
    for (let i = 0; i < 5; i++) await publish(b, { username: 'alice', notice_type: 0, title: `b${i}` });
    const text = await onB.waitFor('"title":"b4"');
    const ids = getEventIds(text);
    expect(ids).toHaveLength(10);
    const entries = ids.map((id) => id.split('.')[1]!.split('-').map(Number) as [number, number]);
    for (let i = 1; i < entries.length; i++) {
      const [[ms0, seq0], [ms1, seq1]] = [entries[i - 1]!, entries[i]!];
      expect(ms1 > ms0 || (ms1 === ms0 && seq1 > seq0), `${ids[i - 1]} < ${ids[i]}`).toBe(true);
    }
    expect(await counts(a)).toBe(10);
    expect(await counts(b)).toBe(10);
  });

  it('replays on another instance after the Last-Event-ID a client got from the first; foreign ids get resync', async () => {
    const [a, b] = await pair();
    const onA = await stream(a);
    await onA.waitFor(': connected');
    await publish(b, { username: 'alice', notice_type: 2, title: 'seen' });
    const [seen] = getEventIds(await onA.waitFor('"title":"seen"'));
    onA.close();
    for (let i = 1; i <= 3; i++) await publish(a, { username: 'alice', notice_type: 2, title: `missed ${i}` });
    const again = await stream(b, { ...auth(ALICE.token), 'Last-Event-ID': seen! });
    const text = await again.waitFor('"title":"missed 3"');
    expect(text).not.toContain('resync');
    expect([...text.matchAll(/"title":"(missed \d)"/g)].map((match) => match[1])).toEqual([
      'missed 1',
      'missed 2',
      'missed 3',
    ]);
    // A live event after the replay comes once, after it.
    await publish(a, { username: 'alice', notice_type: 2, title: 'live' });
    expect(getEventIds(await again.waitFor('"title":"live"'))).toHaveLength(4);

    const other = await stream(a, { ...auth(ALICE.token), 'Last-Event-ID': `abcdef.${seen!.split('.')[1]}` });
    await other.waitFor('event: resync');
  });

  it('mark read on one instance sends the "read" event to streams on the other; counts agree', async () => {
    const [a, b] = await pair();
    for (let i = 0; i < 3; i++) await publish(a, { username: 'alice', notice_type: 1 });
    const onA = await stream(a);
    await onA.waitFor(': connected');
    expect((await markRead(b, 'stars')).status).toBe(204);
    const text = await onA.waitFor('"kind":"read"');
    expect(text).toContain('"notice_type":1,"unread_count":0,"kind":"read"');
    expect(await counts(a, 'stars')).toBe(0);
  });

  it('a cookie session works on every instance, and signing out on one ends its streams on the other', async () => {
    const [a, b] = await pair();
    const cookie = await signInCookie(a);
    const onB = await stream(b, { Cookie: cookie });
    expect(onB.status).toBe(200);
    await onB.waitFor(': connected');
    const signOut = await fetch(`${a.url}/auth/session`, {
      method: 'DELETE',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(signOut.status).toBe(204);
    await onB.ended;
    expect((await fetch(`${b.url}/notification/me`, { headers: { Cookie: cookie } })).status).toBe(401);
  });

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
