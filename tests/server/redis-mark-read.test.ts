// @vitest-environment node
/**
 * A mark-read on the Redis store costs what it changes, not what the user holds (issue #22 point 5): Redis is
 * single-threaded for every instance, so one user's long list must not stall everyone. And data written by the
 * earlier layout (the read flag inside each item's JSON) is migrated at start, with its counts and flags intact.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../server/secrets';
import { RedisStore } from '../../server/store/redis-store';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';

const missing = getRedisMissingReason();
let redis: RedisProcess;
let admin: Redis;
let next = 0;

/** Microseconds Redis spent in EVAL since the last reset (`INFO commandstats`). */
async function getEvalMicroseconds(): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(/cmdstat_eval:calls=\d+,usec=(\d+)/.exec(info)?.[1] ?? 0);
}

describe.skipIf(missing)(`mark read on Redis${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    redis = await RedisProcess.start();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('marking one item read among 400 items of 20 KB takes Redis well under a millisecond, not a read of the list', async () => {
    const store = await RedisStore.connect(redis.url, { prefix: `m${next++}:` });
    try {
      await store.upsertUser({ username: 'alice', role: 'user', token: 'alice-token-123' });
      const ids: string[] = [];
      for (let i = 0; i < 400; i++) {
        ids.push(
          (await store.publish('alice', { notice_type: 2, title: `${i}`, content: 'x'.repeat(20_000) })).item.id,
        );
      }
      await admin.config('RESETSTAT');
      for (let i = 0; i < 20; i++) expect(await store.markRead('alice', 'comments', [ids[i * 7]!])).toBe(1);
      const perCall = (await getEvalMicroseconds()) / 20;
      // Before the unread index: about 50,000 µs per call here (every item decoded).
      expect(perCall).toBeLessThan(1000);
      expect((await store.unreadCounts('alice')).comments).toBe(380);
      const page = await store.list('alice', 'comments', 1, 400);
      expect(page.data.filter((item) => item.read).map((item) => item.id)).toEqual(
        Array.from({ length: 20 }, (_, i) => ids[(19 - i) * 7]),
      );
    } finally {
      await store.close();
    }
  });

  it('migrates data of the earlier layouts (read flags in items, keys per kind): users, counts, flags and ids stay right', async () => {
    const prefix = `m${next++}:`;
    const item = (id: number, read: boolean) =>
      JSON.stringify({ id: `n-${id}`, notice_type: 0, title: `t${id}`, content: '', url: null, created_at: 'x', read });
    await admin.rpush(`${prefix}items:bob%3Ax:likes`, item(1, true), item(2, false), item(3, false), item(4, true));
    // The saved count drifted from the items (it is rebuilt from them).
    await admin.hset(`${prefix}unread:bob%3Ax`, 'likes', 7);
    await admin.set(`${prefix}item-seq`, 4);
    // The user and its token as layout 2 kept them, before the keys moved into one hash slot per user.
    await admin.hset(`${prefix}user:bob%3Ax`, 'role', 'admin', 'tokenHash', hashSecret('bob-token-0123456'));
    await admin.set(`${prefix}token:${hashSecret('bob-token-0123456')}`, 'bob:x');
    const store = await RedisStore.connect(redis.url, { prefix });
    try {
      expect(await store.findUserByToken('bob-token-0123456')).toEqual({ username: 'bob:x', role: 'admin' });
      expect((await store.unreadCounts('bob:x')).likes).toBe(2);
      const flags = async () => (await store.list('bob:x', 'likes', 1, 10)).data.map((it) => `${it.id}:${it.read}`);
      expect(await flags()).toEqual(['n-4:true', 'n-3:false', 'n-2:false', 'n-1:true']);
      expect(await store.markRead('bob:x', 'likes', ['n-1', 'n-2'])).toBe(1);
      // The per-user item counter starts after the shared one: no id is given twice.
      expect((await store.publish('bob:x', { notice_type: 0 })).item).toMatchObject({ id: 'n-5', read: false });
      expect((await store.unreadCounts('bob:x')).likes).toBe(2);
      expect(await store.markRead('bob:x', 'likes')).toBe(2);
      expect((await flags()).every((flag) => flag.endsWith(':true'))).toBe(true);
    } finally {
      await store.close();
    }
    // A second start (another instance) migrates nothing twice.
    const again = await RedisStore.connect(redis.url, { prefix });
    try {
      expect((await again.unreadCounts('bob:x')).likes).toBe(0);
      expect((await again.list('bob:x', 'likes', 1, 10)).data.every((it) => it.read)).toBe(true);
    } finally {
      await again.close();
    }
  });
});
