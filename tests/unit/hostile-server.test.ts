/**
 * The three defects of issue #14, reproduced against the background core with a fake server: an absurd Retry-After,
 * an event id that cannot be sent back, a count request that never answers. Each asserts what a user would see (the
 * badge) and what the server would receive (requests).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CATEGORIES, type Category } from '@/utils/protocol/categories';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { FakeFetch, jsonResponse } from '../helpers/fake-fetch';
import { createHarness, makeSettings } from '../helpers/service-harness';

function fakeServer() {
  const server = new FakeFetch();
  const counts: Record<Category, number> = { likes: 0, stars: 0, comments: 0, system: 0, manager: 0, report_email: 0 };
  server.route('/notification/me', () => jsonResponse(200, { username: 'alice', role: 'user' }));
  for (const category of CATEGORIES)
    server.route(`/notification/${category}`, () => jsonResponse(200, { data: [], unread_count: counts[category] }));
  return { server, counts };
}

/** A request that is accepted and never answered; it ends only when the client aborts it. */
const hang = (_url: URL, init: RequestInit) =>
  new Promise<Response>((_resolve, reject) =>
    init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
  );

const streamRequests = (server: FakeFetch) => server.countRequests('/socket_connection');

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-24T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe('an absurd Retry-After', () => {
  for (const retryAfter of ['999999999', 'Fri, 31 Dec 9999 23:59:59 GMT', String(2 ** 31)]) {
    it(`does not make Beacon storm the server (Retry-After: ${retryAfter})`, async () => {
      const { server } = fakeServer();
      for (let i = 0; i < 5000; i++)
        server.queueStreamAnswer(jsonResponse(503, { error: 'maintenance' }, { 'Retry-After': retryAfter }));
      const h = createHarness(server.fetch, makeSettings());
      await h.core.start();
      await vi.advanceTimersByTimeAsync(8000);
      expect(streamRequests(server)).toBe(1);
      expect(h.snapshot().connection.status).toBe('error');
      // It waits a bounded time, then tries again: a server that lied about "years" is not given up on.
      await vi.advanceTimersByTimeAsync(11 * 60_000);
      expect(streamRequests(server)).toBe(2);
      h.core.reconnect(); // "Retry now" still works at once
      await vi.advanceTimersByTimeAsync(0);
      expect(streamRequests(server)).toBe(3);
    });
  }
});

describe('an event id that cannot be sent back as Last-Event-ID', () => {
  for (const [what, id] of [
    ['outside Latin-1', 'évènement-✓'],
    ['of 20 KB', 'i'.repeat(20 * 1024)],
  ] as const) {
    it(`is ignored and counted, the last good id kept, and Beacon reconnects (${what})`, async () => {
      const { server, counts } = fakeServer();
      const h = createHarness(server.fetch, makeSettings());
      await h.core.start();
      const first = await server.nextStream();
      await vi.advanceTimersByTimeAsync(0);
      first.push('id: good.1\ndata: {"notice_type":0,"unread_count":1}\n\n');
      first.push(`id: ${id}\ndata: {"notice_type":0,"unread_count":2}\n\n`);
      await vi.advanceTimersByTimeAsync(0);
      expect(h.badge()).toBe('2'); // the event itself counts; only its id is refused
      counts.likes = 3;
      first.end();
      const second = server.nextStream();
      await vi.advanceTimersByTimeAsync(2000);
      expect((await second).request.headers['Last-Event-ID']).toBe('good.1');
      expect(h.snapshot().connection.status).toBe('live');
      expect(h.badge()).toBe('3');
      expect(h.snapshot().diagnostics.rejectedEventIds).toBe(1);
      expect(h.snapshot().lastEventId).toBe('good.1');
    });
  }

  it('stored by an older version, is dropped at start: Beacon connects and resyncs', async () => {
    const { server, counts } = fakeServer();
    counts.stars = 2;
    const settings = makeSettings();
    const persisted = {
      ...getEmptySnapshot(),
      accountKey: 'https://notify.test/api|token|',
      lastEventId: 'évènement-✓',
    };
    const h = createHarness(server.fetch, settings, persisted);
    await h.core.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(streamRequests(server)).toBe(1);
    expect(h.snapshot().connection.status).toBe('live');
    expect(h.badge()).toBe('2');
  });
});

describe('a count request that never answers', () => {
  it('is abandoned after the deadline and retried: the badge is right within 17 s', async () => {
    const { server, counts } = fakeServer();
    counts.comments = 4;
    let calls = 0;
    server.route('/notification/comments', (url, init) =>
      ++calls === 1 ? hang(url, init) : jsonResponse(200, { data: [], unread_count: counts.comments }),
    );
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.badge()).not.toBe('4');
    const started = Date.now();
    await vi.waitFor(
      async () => {
        await vi.advanceTimersByTimeAsync(250);
        expect(h.badge()).toBe('4');
      },
      { timeout: 5000, interval: 0 },
    );
    expect(Date.now() - started).toBeLessThanOrEqual(17_000);
    expect(h.snapshot().lastError).toMatchObject({ code: 'timeout', path: '/notification/comments' });
  });

  it('does not hold back the refetches of legacy events that come after it', async () => {
    const { server, counts } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await vi.advanceTimersByTimeAsync(0);
    let calls = 0;
    server.route('/notification/system', (url, init) =>
      ++calls === 1 ? hang(url, init) : jsonResponse(200, { data: [], unread_count: counts.system }),
    );
    counts.system = 1;
    stream.push('id: a\ndata: {"notice_type":3}\n\n'); // hangs
    await vi.advanceTimersByTimeAsync(500);
    counts.system = 2;
    stream.push('id: b\ndata: {"notice_type":3}\n\n'); // coalesced behind the hung one
    // Within the deadline plus a retry; well before the 45 s stall rule would reconnect (and resync) anyway.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(h.badge()).toBe('2');
  });
});
