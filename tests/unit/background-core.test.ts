import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getZeroCounts } from '@/utils/protocol/categories';
import { HEARTBEAT_LATE_MS, LATE_STREAM_CHECK_MS } from '@/utils/protocol/wire';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { oneAccount } from '../helpers/account-snapshot';
import { jsonResponse } from '../helpers/fake-fetch';
import { createHarness, fakeServer, makeSettings } from '../helpers/service-harness';

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-24T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe('BackgroundCore', () => {
  it('shows the persisted count at once on start, then the server count', async () => {
    const { server, counts } = fakeServer();
    counts.comments = 5;
    const persisted = oneAccount({ countsKnown: true, counts: { ...getZeroCounts(), likes: 3 } });
    const h = createHarness(server.fetch, makeSettings(), persisted);
    await h.core.start();
    expect(h.badges[0]).toBe('3'); // before any answer from the server
    await flush();
    expect(h.badge()).toBe('5');
    expect(h.badges.every((text) => text !== '')).toBe(true); // never empty in between
    expect(h.snapshot().connection.status).toBe('live');
    expect(h.snapshot().latest.system).toMatchObject({ title: 'latest system' });
  });

  it('uses unread_count from events without a request, and raises a notification', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await flush();
    const before = server.requests.length;
    stream.push(
      `id: x.1\ndata: {"notice_type":0,"unread_count":7,"title":"Ann liked","created_at":"2026-11-24T12:00:00Z"}\n\n`,
    );
    await flush();
    expect(h.badge()).toBe('7');
    expect(server.requests.length).toBe(before);
    expect(h.notices).toEqual([
      { category: 'likes', id: null, title: 'Ann liked', content: '', url: null, catchUp: false },
    ]);
    expect(h.snapshot().lastEventId).toBe('x.1');
  });

  it('coalesces a burst of 1,000 legacy events into at most 2 requests per category, ending at the server count', async () => {
    const { server, counts } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await flush();
    // Answers take 20 ms, as over a network; the whole burst arrives meanwhile.
    server.route('/notification/comments', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return jsonResponse(200, { data: [], unread_count: counts.comments });
    });
    const before = server.countRequests('/notification/comments');
    for (let i = 1; i <= 1000; i++) {
      counts.comments = i;
      stream.push(`id: b.${i}\ndata: {"notice_type":2}\n\n`);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(server.countRequests('/notification/comments') - before).toBeLessThanOrEqual(2);
    expect(h.badge()).toBe('99+');
    expect(h.snapshot().counts.comments).toBe(1000);
    expect(h.snapshot().diagnostics.eventsReceived).toBe(1000);
  });

  it('does not let an older refetch answer overwrite a newer event count', async () => {
    const { server, counts } = fakeServer();
    let release!: () => void;
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await flush();
    counts.stars = 1;
    server.route('/notification/stars', async () => {
      await new Promise<void>((r) => (release = r));
      return jsonResponse(200, { data: [], unread_count: 1 });
    });
    stream.push('data: {"notice_type":1}\n\n'); // refetch starts, answer held back
    await flush();
    stream.push('data: {"notice_type":1,"unread_count":2}\n\n');
    await flush();
    release();
    await flush();
    expect(h.snapshot().counts.stars).toBe(2);
  });

  it('ignores malformed, unknown and oversized events: counted, logged once, stream kept', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await flush();
    stream.push('data: {oops\n\ndata: {oops\n\ndata: {"notice_type":42}\n\n');
    stream.push(`data: ${'x'.repeat(70_000)}\n\n`);
    stream.push('data: {"notice_type":4,"unread_count":1,"title":"still here"}\n\n');
    await flush();
    const { diagnostics } = h.snapshot();
    expect(diagnostics).toMatchObject({ malformedEvents: 2, unknownTypes: 1, oversizedEvents: 1 });
    expect(h.logs.filter((line) => line.includes('not JSON'))).toHaveLength(1);
    expect(h.badge()).toBe('1');
    expect(h.snapshot().connection.status).toBe('live');
    expect(server.countRequests('/socket_connection')).toBe(1);
  });

  it('logs and counts errors nothing caught', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    h.core.recordUnhandledError('rejection: boom');
    h.core.recordUnhandledError('error: bang');
    expect(h.snapshot().diagnostics.unhandledErrors).toBe(2);
    expect(h.logs.filter((line) => line.startsWith('error: unhandled: '))).toEqual([
      'error: unhandled: rejection: boom',
      'error: unhandled: error: bang',
    ]);
  });

  it('shows report emails only to roles other than user', async () => {
    for (const [role, expected] of [
      ['user', '2'],
      ['admin', '5'],
    ] as const) {
      const { server, counts } = fakeServer(role);
      counts.likes = 2;
      counts.report_email = 3;
      const h = createHarness(server.fetch, makeSettings());
      await h.core.start();
      await flush();
      expect(h.badge()).toBe(expected);
      expect(server.countRequests('/notification/report_email')).toBe(role === 'user' ? 0 : 1);
    }
  });

  it('signs out on a 401 from the API: badge !, one sign-in notification, no retries', async () => {
    const { server } = fakeServer();
    server.route('/notification/me', jsonResponse(401, { error: 'token expired' }));
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    await flush();
    expect(h.snapshot().connection).toMatchObject({ status: 'signed-out' });
    expect(h.badge()).toBe('!');
    expect(h.signIns).toBe(1);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(server.countRequests('/socket_connection')).toBe(1);
    expect(h.signIns).toBe(1);
  });

  it('resets counts when pointed at another account, and says unconfigured without a server', async () => {
    const { server, counts } = fakeServer();
    counts.likes = 4;
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    await flush();
    expect(h.badge()).toBe('4');
    await h.apply(makeSettings({ serverUrl: '' }));
    expect(h.snapshot().connection.status).toBe('unconfigured');
    expect(h.badge()).toBe('');
    await h.apply(makeSettings({ serverUrl: 'http://insecure.example.com' }));
    expect(h.snapshot().connection.status).toBe('unconfigured');
  });

  it('keeps the stream when only preferences change (or the same settings are written again); reconnects for a new token', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await flush();
    const quiet = makeSettings({ notify: { ...makeSettings().notify, likes: false }, sound: false });
    await h.apply(quiet);
    await h.apply(makeSettings({ ...quiet, appUrl: 'https://app.test/' }));
    await h.apply(structuredClone(quiet)); // a rewrite of equal values (a migration, a re-save)
    await flush();
    expect(server.countRequests('/socket_connection')).toBe(1);
    expect(stream.aborted).toBe(false);
    expect(h.snapshot().connection.status).toBe('live');
    // The open stream's next notice is announced with the new preferences.
    stream.push('id: p.1\ndata: {"notice_type":0,"unread_count":1,"title":"Ann liked"}\n\n');
    await flush();
    expect(h.notices).toHaveLength(1);
    expect(h.noticeSettings[0]).toMatchObject({ notify: { likes: false }, sound: false });

    await h.apply(makeSettings({ ...quiet, token: 'another-token-123' }));
    await flush();
    expect(stream.aborted).toBe(true);
    expect(server.countRequests('/socket_connection')).toBe(2);
    expect(server.requests.at(-1)!.headers.Authorization).toBe('Bearer another-token-123');
  });

  it('never puts the token in a URL or a log line', async () => {
    const { server } = fakeServer();
    server.queueStreamAnswer(jsonResponse(500, { error: 'boom' }));
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.requests.length).toBeGreaterThan(3);
    for (const request of server.requests) {
      expect(request.url).not.toContain('secret-token-xyz');
      expect(request.headers.Authorization).toBe('Bearer secret-token-xyz');
    }
    expect(h.logs.join('\n')).not.toContain('secret-token-xyz');
    expect(JSON.stringify(h.saved)).not.toContain('secret-token-xyz');
  });

  it('marks all read on the server and clears the badge', async () => {
    const { server, counts } = fakeServer();
    counts.likes = 2;
    counts.system = 1;
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    await flush();
    expect(h.badge()).toBe('3');
    await h.core.markRead('main', 'all');
    expect(h.badge()).toBe('');
    expect(server.requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname)).toEqual([
      '/api/notification/likes/read',
      '/api/notification/system/read',
    ]);
  });

  it('treats replayed events as catch-up, and a resync refetches everything', async () => {
    const { server, counts } = fakeServer();
    const persisted = oneAccount({ lastEventId: 'x.5' });
    const h = createHarness(server.fetch, makeSettings(), persisted);
    await h.core.start();
    const stream = await server.nextStream();
    expect(stream.request.headers['Last-Event-ID']).toBe('x.5');
    await flush();
    stream.push(
      'id: x.6\ndata: {"notice_type":2,"unread_count":1,"title":"old","created_at":"2026-11-24T10:00:00Z"}\n\n',
    );
    await flush();
    expect(h.notices.at(-1)).toMatchObject({ title: 'old', catchUp: true });

    const before = server.countRequests('/notification/likes');
    counts.likes = 2;
    stream.push('event: resync\nid: x.9\ndata: {"reason":"replay_unavailable"}\n\n');
    await flush();
    expect(server.countRequests('/notification/likes')).toBe(before + 1);
    expect(h.snapshot().counts.likes).toBe(2);
    // Two likes were missed: one catch-up entry that stands for both (it becomes one summary).
    expect(h.notices.filter((n) => n.category === 'likes' && n.catchUp)).toEqual([
      expect.objectContaining({ category: 'likes', catchUp: true, count: 2 }),
    ]);
    expect(h.snapshot().lastEventId).toBe('x.9');
  });

  it('keeps the worker alive on stream activity, throttled', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    for (let i = 0; i < 6; i++) {
      stream.push(': ping\n\n');
      await vi.advanceTimersByTimeAsync(15_000);
    }
    expect(h.keepAlives).toBe(6);
    for (let i = 0; i < 50; i++) stream.push(': ping\n\n');
    await flush();
    expect(h.keepAlives).toBe(7); // 50 heartbeats at once: one call
  });
});

describe('BackgroundCore without host permission', () => {
  it('does not connect, and says why', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings(), getEmptySnapshot(), { hasHostPermission: async () => false });
    await h.core.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.requests).toHaveLength(0);
    expect(h.snapshot().connection).toMatchObject({
      status: 'stopped',
      reason: { code: 'no-permission' },
    });
    expect(h.badge()).toBe('!');
  });
});

describe('BackgroundCore behind a buffering proxy', () => {
  it('a stream whose heartbeats are late (a buffering proxy): counts checked over REST every 15 s, said in the state, until a heartbeat comes', async () => {
    const { server, counts } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await flush();
    counts.likes = 4; // published behind a proxy that holds the event back
    await vi.advanceTimersByTimeAsync(HEARTBEAT_LATE_MS);
    await flush(); // the check starts as the heartbeat is found late
    expect(h.badge()).toBe('4');
    expect(h.snapshot().connection).toEqual({
      status: 'live',
      retryAt: null,
      reason: { code: 'buffered', seconds: 20 },
    });
    counts.likes = 6;
    await vi.advanceTimersByTimeAsync(LATE_STREAM_CHECK_MS);
    await flush();
    expect(h.badge()).toBe('6');
    // Checks keep the stream: one attempt after a minute and more.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.countRequests('/socket_connection')).toBe(1);
    stream.push(': heartbeat\n\n');
    await flush();
    expect(h.snapshot().connection.reason).toBeNull();
    const checks = server.countRequests('/notification/likes');
    await vi.advanceTimersByTimeAsync(LATE_STREAM_CHECK_MS - 1000); // heartbeats every 15 s from now on
    stream.push(': heartbeat\n\n');
    await vi.advanceTimersByTimeAsync(LATE_STREAM_CHECK_MS - 1000);
    expect(server.countRequests('/notification/likes')).toBe(checks);
  });

  it('a stream held before its headers (as Firefox sees it): the first check is the full sync an open makes', async () => {
    const { server, counts } = fakeServer('admin');
    counts.report_email = 2;
    // The stream request never answers (until aborted): the proxy holds its headers with its body.
    const held: typeof fetch = (input, init) =>
      String(input).includes('/socket_connection')
        ? new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
        : server.fetch(input, init);
    const h = createHarness(held, makeSettings());
    await h.core.start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_LATE_MS);
    await flush();
    expect(h.snapshot()).toMatchObject({
      role: 'admin',
      countsKnown: true,
      connection: { status: 'connecting', reason: { code: 'buffered' } },
    });
    expect(h.badge()).toBe('2');
  });
});
