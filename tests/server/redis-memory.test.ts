// @vitest-environment node
/**
 * What one user costs in Redis (issue #26 point 3): each event stored once. The log keeps, per message event, only
 * what the item does not already hold (its number, the count after it); replay rebuilds the event from the item,
 * byte for byte the event sent live.
 */
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../server/store/redis-store';
import { getClusterMissingReason, RedisCluster } from '../helpers/redis-cluster';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';

const missing = getRedisMissingReason();
const clusterMissing = getClusterMissingReason();
let redis: RedisProcess;

/**
 * KB of Redis memory (`MEMORY USAGE` of every key of the user, read on `node`, the user's master) of a fresh user
 * with 100 events of the bench's shape, and the length of their text.
 */
async function measureUser(url: string, node: Redis, prefix: string): Promise<{ kb: number; text: number }> {
  const store = await RedisStore.connect(url, { prefix });
  try {
    await store.upsertUser({ username: 'sizing', role: 'user', token: `${prefix}sizing-token-0123` });
    let text = 0;
    for (let i = 0; i < 100; i++) {
      const event = {
        notice_type: (i % 5) as 0 | 1 | 2 | 3 | 4,
        title: `Someone commented on post ${i}`,
        content: 'x'.repeat(100),
        url: `https://app.example.com/c/${i}`,
      };
      text += event.title.length + event.content.length + event.url.length;
      await store.publish('sizing', event);
    }
    let bytes = 0;
    for (const key of await node.keys(`${prefix}{sizing}:*`)) bytes += Number(await node.memory('USAGE', key));
    return { kb: bytes / 1024, text };
  } finally {
    await store.close();
  }
}

describe.skipIf(missing)(`Redis memory per user${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    redis = await RedisProcess.start();
  });
  afterAll(() => redis?.stop());

  it('a user with 100 events of the bench shape (~16 KB of text) takes at most 25 KB at Redis defaults', async () => {
    const admin = new Redis(redis.url);
    try {
      const measured = await measureUser(redis.url, admin, 'mem1:');
      expect(measured.text).toBeGreaterThan(15_000);
      // 68 KB before each event was stored once; 26.4 KB with the log in a Redis Stream (its first node alone is
      // allocated at stream-node-max-bytes, 4 KB).
      expect(measured.kb).toBeLessThanOrEqual(25);
    } finally {
      admin.disconnect();
    }
  });

  it('moves layout 3 logs (Redis Streams) to lines, ids kept: replays rebuilt events, whole events, trimmed logs', async () => {
    const prefix = 'mem3:';
    const admin = new Redis(redis.url);
    const first = await RedisStore.connect(redis.url, { prefix, itemLimit: 3 });
    await first.upsertUser({ username: 'alice', role: 'user' });
    const start = await first.latestEventId('alice');
    const published = [];
    for (let i = 0; i < 3; i++) published.push(await first.publish('alice', { notice_type: 1, title: `s${i}` }));
    await first.markRead('alice', 'stars', [published[0]!.item.id]);
    await first.close();
    // The data set as layout 3 kept it: each log a Redis Stream, an old event whole in field `d`, then references.
    const old =
      '{"id":"n-900","notice_type":0,"title":"old","content":"","url":null,"created_at":"x","unread_count":1}';
    const lines = await admin.lrange(`${prefix}{alice}:log`, 0, -1);
    await admin.del(`${prefix}{alice}:log`);
    await admin.xadd(`${prefix}{alice}:log`, '1-0', 'd', old);
    for (const line of lines) {
      const [id, t, ...rest] = line.split(' ');
      const fields = rest.length === 2 ? ['t', t!, 'n', rest[0]!, 'u', rest[1]!] : ['t', t!, 'u', rest[0]!];
      await admin.xadd(`${prefix}{alice}:log`, id!, ...fields);
    }
    // Bob's stream was trimmed: 3 added, 2 kept.
    for (const id of ['1-0', '2-0', '3-0']) await admin.xadd(`${prefix}{bob}:log`, id, 't', '0', 'u', '0');
    await admin.xtrim(`${prefix}{bob}:log`, 'MAXLEN', 2);
    await admin.set(`${prefix}layout`, 3);
    const store = await RedisStore.connect(redis.url, { prefix, itemLimit: 3 });
    try {
      expect(await admin.type(`${prefix}{alice}:log`)).toBe('list');
      const dataset = start.slice(0, start.indexOf('.'));
      const replay = await store.replaySince('alice', start);
      expect(replay.kind).toBe('replay');
      if (replay.kind !== 'replay') return;
      expect(replay.events.map((event) => event.data)).toEqual([
        old,
        ...published.map((one) => one.event.data),
        '{"notice_type":1,"unread_count":2,"kind":"read"}',
      ]);
      // The ids the clients hold are the stream's: still valid, still ordered.
      expect(replay.events.slice(0, 4).map((event) => event.id)).toEqual([
        `${dataset}.1-0`,
        ...published.map((one) => one.event.id),
      ]);
      expect(await store.replaySince('bob', `${dataset}.2-0`)).toMatchObject({ kind: 'replay', events: [{}] });
      expect((await store.replaySince('bob', `${dataset}.1-0`)).kind).toBe('resync');
      // New lines come after the moved ones.
      const next = await store.publish('alice', { notice_type: 1, title: 's3' });
      expect(await store.latestEventId('alice')).toBe(next.event.id);
      // The fourth star dropped the oldest item (limit 3): a replay naming it cannot be rebuilt, so the client resyncs.
      expect((await store.replaySince('alice', start)).kind).toBe('resync');
      const rest = await store.replaySince('alice', published[0]!.event.id);
      expect(rest.kind === 'replay' && rest.events.map((event) => event.id).at(-1)).toBe(next.event.id);
    } finally {
      admin.disconnect();
      await store.close();
    }
  });
});

describe.skipIf(clusterMissing)(
  `Redis memory per user, cluster${clusterMissing ? ` (skipped: ${clusterMissing})` : ''}`,
  () => {
    let cluster: RedisCluster;
    beforeAll(async () => {
      cluster = await RedisCluster.start(3);
    }, 60_000);
    afterAll(() => cluster?.stop());

    it('a user with 100 events of the bench shape takes at most 25 KB on the cluster too, at its defaults', async () => {
      const node = new Redis({ host: '127.0.0.1', port: (await cluster.getShard('{sizing}')).master });
      try {
        expect((await measureUser(cluster.url, node, 'mem4:')).kb).toBeLessThanOrEqual(25);
      } finally {
        node.disconnect();
      }
    });

    it('moves layout 3 logs to lines on every master of the cluster, ids kept', async () => {
      const prefix = 'mem5:';
      const users = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
      const admin = new Cluster([{ host: '127.0.0.1', port: (await cluster.getMasterPorts())[0]! }]);
      try {
        for (const user of users) await admin.xadd(`${prefix}{${user}}:log`, '5-0', 't', '2', 'u', '0');
        await admin.set(`${prefix}layout`, 3);
        const store = await RedisStore.connect(cluster.url, { prefix });
        try {
          const dataset = (await store.latestEventId('ann')).split('.')[0]!;
          for (const user of users) {
            expect(await admin.type(`${prefix}{${user}}:log`)).toBe('list');
            expect(await store.latestEventId(user)).toBe(`${dataset}.5-0`);
            expect(await store.replaySince(user, `${dataset}.4-0`)).toEqual({
              kind: 'replay',
              events: [{ id: `${dataset}.5-0`, data: '{"notice_type":2,"unread_count":0,"kind":"read"}' }],
            });
          }
        } finally {
          await store.close();
        }
      } finally {
        admin.disconnect();
      }
    });
  },
);
