/**
 * Several accounts in one core (issue #25): each its own session, loop, backoff, Last-Event-ID and counts; one that
 * fails never delays or corrupts another; accounts that change or leave are reset or forgotten.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getZeroCounts } from '@/utils/protocol/categories';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { flat } from '../helpers/account-snapshot';
import { jsonResponse } from '../helpers/fake-fetch';
import { createHarness, fakeServer, makeSettings } from '../helpers/service-harness';

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-24T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

const WORK = makeSettings({ id: 'work', label: 'Work', serverUrl: 'https://a.test/api', token: 'token-of-work' });
const HOME = makeSettings({ id: 'home', label: '', serverUrl: 'https://b.test/api', token: 'token-of-home' });

/** Two servers, one per host: what each received, and their counts. */
function twoServers() {
  const a = fakeServer();
  const b = fakeServer();
  const fetch: typeof globalThis.fetch = (input, init) =>
    new URL(String(input)).host === 'a.test' ? a.server.fetch(input, init) : b.server.fetch(input, init);
  return { a, b, fetch };
}

describe('BackgroundCore with several accounts', () => {
  it('one account answering 401 is signed out; the other stays live and right, and the badge says both', async () => {
    const { a, b, fetch } = twoServers();
    a.server.queueStreamAnswer(jsonResponse(401, { error: 'token expired' }));
    b.counts.likes = 3;
    const h = createHarness(fetch, [WORK, HOME]);
    await h.core.start();
    const stream = await b.server.nextStream();
    await flush();
    const [work, home] = h.full().accounts;
    expect(work).toMatchObject({ id: 'work', connection: { status: 'signed-out' } });
    expect(home).toMatchObject({ id: 'home', connection: { status: 'live' }, counts: { likes: 3 } });
    // The live account's total, with the marker that another account is signed out (docs/architecture.md, Badge).
    expect(h.badge()).toBe('3!');
    expect(h.signInAccounts).toEqual(['work']);

    stream.push('id: h.1\ndata: {"notice_type":0,"unread_count":5,"title":"Ann liked"}\n\n');
    await flush();
    expect(h.badge()).toBe('5!');
    expect(flat(h.full(), 1)).toMatchObject({ lastEventId: 'h.1', counts: { likes: 5 } });
    expect(flat(h.full(), 0)).toMatchObject({ lastEventId: null, counts: getZeroCounts() });
    // The notice is announced with its own account's settings, named (several accounts).
    expect(h.noticeSettings.map(({ id }) => id)).toEqual(['home']);
    expect(h.noticeNamed).toEqual([true]);
    // The signed-out account is not retried behind the user's back; the live one keeps its stream.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(b.server.countRequests('/socket_connection')).toBe(1);
    expect(stream.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(a.server.countRequests('/socket_connection')).toBe(1);
    expect(a.server.requests.every((request) => request.headers.Authorization === 'Bearer token-of-work')).toBe(true);
    expect(b.server.requests.every((request) => request.headers.Authorization === 'Bearer token-of-home')).toBe(true);
  });

  it('a server that never answers does not delay the other account', async () => {
    const { b } = twoServers();
    b.counts.comments = 2;
    const hanging: typeof fetch = (input, init) =>
      new URL(String(input)).host === 'a.test' ? new Promise(() => {}) : b.server.fetch(input, init);
    const h = createHarness(hanging, [WORK, HOME]);
    await h.core.start();
    await flush();
    expect(flat(h.full(), 1)).toMatchObject({ connection: { status: 'live' }, counts: { comments: 2 } });
    expect(flat(h.full(), 0).connection.status).toBe('connecting');
    expect(h.badge()).toBe('2');
  });

  it('an account failing with 503 backs off on its own: the other keeps one stream and its numbers', async () => {
    const { a, b, fetch } = twoServers();
    for (let i = 0; i < 20; i++)
      a.server.queueStreamAnswer(jsonResponse(503, { error: 'down' }, { 'Retry-After': '1' }));
    b.counts.stars = 1;
    const h = createHarness(fetch, [WORK, HOME]);
    await h.core.start();
    const stream = await b.server.nextStream();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(a.server.countRequests('/socket_connection')).toBeGreaterThan(2);
    expect(b.server.countRequests('/socket_connection')).toBe(1);
    expect(stream.aborted).toBe(false);
    expect(flat(h.full(), 1)).toMatchObject({ connection: { status: 'live' }, counts: { stars: 1 } });
    const work = h.full().accounts[0]!.connection.status;
    expect(work).toMatch(/^(error|reconnecting)$/);
    // In error: the live account's count with the marker; waiting between attempts: its count alone (grey states).
    expect(h.badge()).toBe(work === 'error' ? '1!' : '1');
  });

  it('keeps an unchanged account’s stream, resets one whose key changed, forgets a removed one', async () => {
    const { a, b, fetch } = twoServers();
    a.counts.likes = 4;
    b.counts.system = 2;
    const pruned: string[][] = [];
    const h = createHarness(fetch, [WORK, HOME], getEmptySnapshot(), {
      pruneInboxCache: async (keep) => void pruned.push(keep.map(({ id }) => id)),
    });
    await h.core.start();
    const workStream = await a.server.nextStream();
    const homeStream = await b.server.nextStream();
    await flush();
    workStream.push('id: w.1\ndata: {"notice_type":0,"unread_count":5}\n\n');
    await flush();
    expect(h.badge()).toBe('7');
    expect(flat(h.full(), 0).lastEventId).toBe('w.1');

    // Home renamed and moved first; Work pointed at another user on its server: a new key.
    const renamed = { ...HOME, label: 'Home' };
    const moved = { ...WORK, authMethod: 'username' as const, username: 'bob' };
    await h.apply([renamed, moved]);
    await flush();
    expect(homeStream.aborted).toBe(false);
    expect(workStream.aborted).toBe(true);
    expect(h.full().accounts.map(({ id, label }) => [id, label])).toEqual([
      ['home', 'Home'],
      ['work', 'Work'],
    ]);
    expect(flat(h.full(), 1).lastEventId).toBeNull(); // the new key starts afresh: no Last-Event-ID of the old one
    expect(h.clearedAccounts).toEqual(['work']);
    expect(b.server.countRequests('/socket_connection')).toBe(1);

    await h.apply([renamed]);
    await flush();
    expect(h.full().accounts.map(({ id }) => id)).toEqual(['home']);
    expect(h.clearedAccounts).toEqual(['work', 'work']);
    expect(pruned.at(-1)).toEqual(['home']);
    expect(h.badge()).toBe('2');
    expect(JSON.stringify(h.saved.at(-1) ?? {})).not.toContain('a.test');
  });

  it('an update from a single-account version keeps its counts and Last-Event-ID: no flood, no resync', async () => {
    const { server, counts } = fakeServer();
    counts.likes = 3;
    // What a single-account version stored (its fields at the top level).
    const stored = {
      accountKey: 'https://notify.test/api|token|',
      counts: { ...getZeroCounts(), likes: 3 },
      countsKnown: true,
      role: 'user',
      latest: { system: null, manager: null },
      connection: { status: 'live', retryAt: null, reason: null },
      lastEventId: 'x.41',
      lastError: null,
      lastSyncedAt: 1_764_000_000_000,
      lastEventAt: null,
      diagnostics: { ...getEmptySnapshot().diagnostics, eventsReceived: 40 },
    };
    const h = createHarness(server.fetch, makeSettings(), stored);
    await h.core.start();
    expect(h.badges[0]).toBe('3');
    const stream = await server.nextStream();
    expect(stream.request.headers['Last-Event-ID']).toBe('x.41');
    await flush();
    expect(h.notices).toEqual([]);
    expect(h.full().accounts.map(({ id }) => id)).toEqual(['main']);
    expect(h.snapshot().diagnostics.eventsReceived).toBe(40);
  });

  it('refuses an account id it does not hold, with a clear error', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    await expect(h.core.markRead('nope', 'all')).rejects.toThrow('Beacon has no account with the id "nope"');
    await expect(h.core.getItems('nope', 'likes', 1)).rejects.toThrow('no account');
    await expect(h.core.markItemsRead('nope', 'likes', ['1'])).rejects.toThrow('no account');
    expect(() => h.core.reconnect('nope')).toThrow('no account');
    expect(server.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });
});
