// @vitest-environment node
/**
 * What one user costs in Redis (issue #26 point 3): each event stored once. The log keeps, per message event, only
 * what the item does not already hold (its number, the count after it); replay rebuilds the event from the item,
 * byte for byte the event sent live.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../server/store/redis-store';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';

const missing = getRedisMissingReason();
let redis: RedisProcess;

describe.skipIf(missing)(`Redis memory per user${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    redis = await RedisProcess.start();
  });
  afterAll(() => redis?.stop());

  /** Bytes of Redis memory (`MEMORY USAGE` of every key) of a fresh user with 100 events of the bench's shape. */
  async function measureUser(prefix: string): Promise<{ kb: number; text: number }> {
    const store = await RedisStore.connect(redis.url, { prefix });
    const admin = new Redis(redis.url);
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
      for (const key of await admin.keys(`${prefix}{sizing}:*`)) bytes += Number(await admin.memory('USAGE', key));
      return { kb: bytes / 1024, text };
    } finally {
      admin.disconnect();
      await store.close();
    }
  }

  it('a user with 100 events of the bench shape (~16 KB of text) takes under 27 KB, under 25 KB with 2 KB stream nodes', async () => {
    const measured = await measureUser('mem1:');
    expect(measured.text).toBeGreaterThan(15_000);
    // 68 KB before each event was stored once (the log held every event's JSON, the items theirs).
    expect(measured.kb).toBeLessThanOrEqual(27);
    // Redis 7 allocates each stream node at stream-node-max-bytes (4 KB) up front: the log's floor per user.
    const admin = new Redis(redis.url);
    try {
      await admin.config('SET', 'stream-node-max-bytes', '2048');
      expect((await measureUser('mem2:')).kb).toBeLessThanOrEqual(25);
    } finally {
      await admin.config('SET', 'stream-node-max-bytes', '4096');
      admin.disconnect();
    }
  });

  it('replays events rebuilt from their items, events logged whole by layout 3, and resync when an item was dropped', async () => {
    const store = await RedisStore.connect(redis.url, { prefix: 'mem3:', itemLimit: 3 });
    const admin = new Redis(redis.url);
    try {
      await store.upsertUser({ username: 'alice', role: 'user' });
      const start = await store.latestEventId('alice');
      // An event as layout 3 logged it: its whole JSON in field `d`.
      const old =
        '{"id":"n-900","notice_type":0,"title":"old","content":"","url":null,"created_at":"x","unread_count":1}';
      await admin.xadd('mem3:{alice}:log', '*', 'd', old);
      const published = [];
      for (let i = 0; i < 3; i++) published.push(await store.publish('alice', { notice_type: 1, title: `s${i}` }));
      await store.markRead('alice', 'stars', [published[0]!.item.id]);
      const replay = await store.replaySince('alice', start);
      expect(replay.kind).toBe('replay');
      if (replay.kind !== 'replay') return;
      expect(replay.events.map((event) => event.data)).toEqual([
        old,
        ...published.map((one) => one.event.data),
        '{"notice_type":1,"unread_count":2,"kind":"read"}',
      ]);
      // A fourth star drops the oldest item (limit 3): a replay naming it cannot be rebuilt, so the client resyncs.
      await store.publish('alice', { notice_type: 1, title: 's3' });
      expect((await store.replaySince('alice', start)).kind).toBe('resync');
      expect((await store.replaySince('alice', published[0]!.event.id)).kind).toBe('replay');
    } finally {
      admin.disconnect();
      await store.close();
    }
  });
});
