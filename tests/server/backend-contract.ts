/**
 * What every NotificationBackend must do (server/store/backend.ts), run against the memory store and the Redis store:
 * the same inputs, the same answers. Events may reach listeners asynchronously (Redis fans them out through pub/sub),
 * so tests wait for them rather than expecting them in the same tick.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedEvent, NotificationBackend } from '../../server/store/backend';

interface ContractOptions {
  replayLimit?: number;
  itemLimit?: number;
  now?: () => number;
  sessionTtlMs?: number;
  maxSessionsPerUser?: number;
}

export type BackendFactory = (options: ContractOptions) => Promise<NotificationBackend>;

const ALICE = { username: 'alice', token: 'alice-token-123', role: 'user' };
const BOB = { username: 'bob', token: 'bob-token-12345', role: 'admin' };

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function record(store: NotificationBackend) {
  const events: Array<{ username: string; event: LoggedEvent }> = [];
  const revoked: Array<[string, string | null]> = [];
  store.onEvent((username, event) => events.push({ username, event }));
  store.onRevoke((username, key) => revoked.push([username, key]));
  return { events, revoked };
}

export function describeBackendContract(name: string, create: BackendFactory): void {
  describe(`NotificationBackend contract: ${name}`, () => {
    let stores: NotificationBackend[] = [];
    afterEach(async () => {
      await Promise.all(stores.map((store) => store.close()));
      stores = [];
    });
    const open = async (options: ContractOptions = {}) => {
      const store = await create(options);
      stores.push(store);
      await store.upsertUser(ALICE);
      await store.upsertUser(BOB);
      return store;
    };

    it('finds users by name and by token; a token belongs to one user; undefined keeps it, null removes it', async () => {
      const store = await open();
      expect(await store.getUser('alice')).toEqual({ username: 'alice', role: 'user' });
      expect(await store.getUser('nobody')).toBeNull();
      expect(await store.findUserByToken(ALICE.token)).toEqual({ username: 'alice', role: 'user' });
      expect(await store.findUserByToken('wrong-token')).toBeNull();
      await expect(store.upsertUser({ ...BOB, token: ALICE.token })).rejects.toThrow(/already belongs/);
      await store.upsertUser({ username: 'alice', role: 'admin' });
      expect(await store.findUserByToken(ALICE.token)).toEqual({ username: 'alice', role: 'admin' });
      await store.upsertUser({ username: 'alice', role: 'user', token: null });
      expect(await store.findUserByToken(ALICE.token)).toBeNull();
      expect(await store.getUser('alice')).toEqual({ username: 'alice', role: 'user' });
    });

    it('a new token signs out every session and revokes every stream of the user', async () => {
      const store = await open();
      const { revoked } = record(store);
      const session = await store.createSession('alice');
      expect((await store.findSession(session.id))?.user.username).toBe('alice');
      await store.upsertUser({ ...ALICE, token: 'alice-new-token' });
      expect(await store.findSession(session.id)).toBeNull();
      expect(await store.findUserByToken(ALICE.token)).toBeNull();
      expect((await store.findUserByToken('alice-new-token'))?.username).toBe('alice');
      await until(() => revoked.length > 0, 'the revocation');
      expect(revoked).toEqual([['alice', null]]);
    });

    it('a role change ends every stream of the user (revocation with no key) but keeps sessions and token', async () => {
      const store = await open();
      const { revoked } = record(store);
      const session = await store.createSession('alice');
      await store.upsertUser({ username: 'alice', role: 'user' });
      await store.upsertUser({ username: 'alice', role: 'manager' });
      await until(() => revoked.length > 0, 'the revocation');
      expect(revoked).toEqual([['alice', null]]);
      expect((await store.findSession(session.id))?.user).toEqual({ username: 'alice', role: 'manager' });
      expect(await store.findUserByToken(ALICE.token)).toEqual({ username: 'alice', role: 'manager' });
    });

    it('sessions: found by id, deleted with a revocation of their key, expired after their time to live', async () => {
      let now = 1_000_000;
      const store = await open({ now: () => now, sessionTtlMs: 60_000 });
      const { revoked } = record(store);
      const first = await store.createSession('alice');
      expect(first.maxAgeSeconds).toBe(60);
      const found = await store.findSession(first.id);
      expect(found).toMatchObject({ user: { username: 'alice', role: 'user' }, expiresAt: 1_060_000 });
      expect(found!.key).not.toContain(first.id);
      await store.deleteSession(first.id);
      expect(await store.findSession(first.id)).toBeNull();
      await until(() => revoked.length > 0, 'the revocation');
      expect(revoked).toEqual([['alice', found!.key]]);
      const second = await store.createSession('alice');
      now += 60_000;
      expect(await store.findSession(second.id)).toBeNull();
    });

    it('keeps at most maxSessionsPerUser sessions, signing out the oldest', async () => {
      const store = await open({ maxSessionsPerUser: 3 });
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await store.createSession('alice')).id);
      const alive = await Promise.all(ids.map(async (id) => (await store.findSession(id)) !== null));
      expect(alive).toEqual([false, false, true, true, true]);
    });

    it('publishes items with counts and events; lists them newest first, page by page', async () => {
      const store = await open({ now: () => Date.parse('2026-11-24T09:30:00.000Z') });
      const { events } = record(store);
      const first = await store.publish('alice', {
        notice_type: 2,
        title: 'Bob commented',
        url: 'https://a.example/1',
      });
      expect(first.item).toEqual({
        id: first.item.id,
        notice_type: 2,
        title: 'Bob commented',
        content: '',
        url: 'https://a.example/1',
        created_at: '2026-11-24T09:30:00.000Z',
        read: false,
      });
      expect(first.unreadCount).toBe(1);
      const { read: _read, ...fields } = first.item;
      expect(JSON.parse(first.event.data)).toEqual({ ...fields, unread_count: 1 });
      for (let i = 2; i <= 5; i++) await store.publish('alice', { notice_type: 2, title: `comment ${i}` });
      await store.publish('bob', { notice_type: 5 });
      const page1 = await store.list('alice', 'comments', 1, 2);
      expect(page1.data.map((item) => item.title)).toEqual(['comment 5', 'comment 4']);
      expect(page1).toMatchObject({ unread_count: 5, total: 5, page: 1, limit: 2 });
      expect((await store.list('alice', 'comments', 3, 2)).data.map((item) => item.title)).toEqual(['Bob commented']);
      expect((await store.list('alice', 'comments', 4, 2)).data).toEqual([]);
      expect(new Set(page1.data.map((item) => item.id)).size).toBe(2);
      expect(await store.unreadCounts('alice')).toEqual({
        likes: 0,
        stars: 0,
        comments: 5,
        system: 0,
        manager: 0,
        report_email: 0,
      });
      await until(() => events.length === 6, 'six events');
      expect(events[0]).toEqual({ username: 'alice', event: first.event });
      expect(events.at(-1)!.username).toBe('bob');
    });

    it('marks read by id or all, with one "read" event per change and none when nothing changed', async () => {
      const store = await open();
      const { events } = record(store);
      const published = [];
      for (let i = 0; i < 3; i++) published.push(await store.publish('alice', { notice_type: 0 }));
      expect(await store.markRead('alice', 'likes', [published[0]!.item.id, 'n-unknown'])).toBe(1);
      expect((await store.unreadCounts('alice')).likes).toBe(2);
      expect(await store.markRead('alice', 'likes', [published[0]!.item.id])).toBe(0);
      expect(await store.markRead('alice', 'likes')).toBe(2);
      expect(await store.markRead('alice', 'likes')).toBe(0);
      const page = await store.list('alice', 'likes', 1, 10);
      expect(page.unread_count).toBe(0);
      expect(page.data.every((item) => item.read)).toBe(true);
      await until(() => events.length === 5, 'five events');
      expect(events.slice(3).map(({ event }) => JSON.parse(event.data))).toEqual([
        { notice_type: 0, unread_count: 2, kind: 'read' },
        { notice_type: 0, unread_count: 0, kind: 'read' },
      ]);
    });

    it('keeps read flags and counts right through marks by id, mark all, trimming and new items', async () => {
      const store = await open({ itemLimit: 4 });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push((await store.publish('alice', { notice_type: 2, title: `c${i}` })).item.id);
      // One read by id, one id of another category, one repeated: only the first changes anything.
      await store.publish('alice', { notice_type: 0, title: 'like' });
      const like = (await store.list('alice', 'likes', 1, 1)).data[0]!.id;
      expect(await store.markRead('alice', 'comments', [ids[1]!, ids[1]!, like])).toBe(1);
      const flags = async (category: 'comments' | 'likes') =>
        (await store.list('alice', category, 1, 10)).data.map((item) => `${item.title}:${item.read}`);
      expect(await flags('comments')).toEqual(['c3:false', 'c2:false', 'c1:true', 'c0:false']);
      expect(await flags('likes')).toEqual(['like:false']);
      // Trimming the two oldest drops one unread (c0) and one read (c1) item.
      await store.publish('alice', { notice_type: 2, title: 'c4' });
      expect((await store.publish('alice', { notice_type: 2, title: 'c5' })).unreadCount).toBe(4);
      expect(await flags('comments')).toEqual(['c5:false', 'c4:false', 'c3:false', 'c2:false']);
      expect(await store.markRead('alice', 'comments', [ids[0]!, ids[1]!])).toBe(0);
      expect(await store.markRead('alice', 'comments')).toBe(4);
      await store.publish('alice', { notice_type: 2, title: 'c6' });
      expect(await flags('comments')).toEqual(['c6:false', 'c5:true', 'c4:true', 'c3:true']);
      expect(await store.unreadCounts('alice')).toMatchObject({ comments: 1, likes: 1 });
      expect((await store.list('alice', 'comments', 1, 1)).unread_count).toBe(1);
    });

    it('keeps counts exact under concurrent publishes and mark reads', async () => {
      const store = await open();
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          i % 6 === 5 ? store.markRead('alice', 'stars') : store.publish('alice', { notice_type: 1 }),
        ),
      );
      const page = await store.list('alice', 'stars', 1, 50);
      const unreadItems = (await store.list('alice', 'stars', 2, 50)).data
        .concat(page.data)
        .filter((item) => !item.read).length;
      expect(page.total).toBe(50);
      expect(page.unread_count).toBe(unreadItems);
      expect((await store.unreadCounts('alice')).stars).toBe(unreadItems);
    });

    it('replays every event after an id, in order; the latest id replays nothing', async () => {
      const store = await open();
      const empty = await store.latestEventId('alice');
      expect(await store.replaySince('alice', empty)).toEqual({ kind: 'replay', events: [] });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push((await store.publish('alice', { notice_type: 0, title: `${i}` })).event.id);
      await store.markRead('alice', 'likes');
      const latest = await store.latestEventId('alice');
      const replay = await store.replaySince('alice', ids[1]!);
      expect(replay.kind).toBe('replay');
      if (replay.kind !== 'replay') return;
      expect(replay.events.map((event) => event.id)).toEqual([ids[2], ids[3], latest]);
      expect(JSON.parse(replay.events[2]!.data)).toMatchObject({ kind: 'read', unread_count: 0 });
      expect(await store.replaySince('alice', latest)).toEqual({ kind: 'replay', events: [] });
      expect((await store.replaySince('alice', empty)).kind).toBe('replay');
    });

    it('replays to a client that missed exactly replayLimit events, however the log is trimmed', async () => {
      const store = await open({ replayLimit: 100 });
      const ids = [];
      // Checked after every publish: Redis trims whole blocks of entries, so the boundary moves with the layout.
      for (let i = 0; i < 300; i++) {
        ids.push((await store.publish('alice', { notice_type: 0 })).event.id);
        if (i < 100) continue;
        const replay = await store.replaySince('alice', ids[i - 100]!);
        expect(replay.kind, `after ${i + 1} events`).toBe('replay');
        if (replay.kind === 'replay') expect(replay.events.map((event) => event.id)).toEqual(ids.slice(i - 99));
      }
    });

    it('answers resync with the latest id for unknown, foreign, future and trimmed ids', async () => {
      const store = await open({ replayLimit: 5 });
      const first = await store.publish('alice', { notice_type: 0 });
      for (let i = 0; i < 250; i++) await store.publish('alice', { notice_type: 0 });
      const latest = await store.latestEventId('alice');
      const resync = { kind: 'resync', latestId: latest };
      const [dataset, entry] = [latest.slice(0, latest.indexOf('.')), latest.slice(latest.indexOf('.') + 1)];
      const future = `${dataset}.${entry.replace(/\d+$/, (n) => String(Number(n) + 1000))}`;
      for (const id of ['garbage', `ffff0000.${entry}`, future, first.event.id]) {
        expect(await store.replaySince('alice', id), id).toEqual(resync);
      }
      // The newest events are still there.
      expect(await store.replaySince('alice', latest)).toEqual({ kind: 'replay', events: [] });
    });
  });
}
