// @vitest-environment node
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBeaconServer, type BeaconServer, type BeaconServerOptions, type RecordedRequest } from '../../server/app';
import { getEventIds, openStream, type OpenStream } from '../helpers/sse-client';

const ADMIN = 'admin-secret-token';
const ALICE = { username: 'alice', token: 'alice-token-123', role: 'user' };
const ROOT = { username: 'root', token: 'root-token-1234', role: 'admin' };

let servers: BeaconServer[] = [];
let streams: OpenStream[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const stream of streams) stream.close();
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  servers = [];
  streams = [];
  dirs = [];
});

async function start(options: Partial<BeaconServerOptions> = {}) {
  const server = await startBeaconServer({ adminToken: ADMIN, users: [ALICE, ROOT], heartbeatMs: 15_000, ...options });
  servers.push(server);
  return server;
}

function auth(token: string) {
  return { Authorization: `Bearer ${token}` };
}

async function publish(server: BeaconServer, body: Record<string, unknown>) {
  return fetch(`${server.url}/admin/publish`, {
    method: 'POST',
    headers: { ...auth(ADMIN), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function stream(server: BeaconServer, headers: Record<string, string> = auth(ALICE.token)) {
  const opened = await openStream(`${server.url}/notification/socket_connection`, headers);
  streams.push(opened);
  return opened;
}

describe('event stream', () => {
  it('delivers published events with ids, unread_count and the item fields', async () => {
    const server = await start();
    const events = await stream(server);
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await events.waitFor(': connected');

    const response = await publish(server, {
      username: 'alice',
      notice_type: 2,
      title: 'Bob commented',
      content: 'Nice',
      url: 'https://app.test/c/1',
    });
    expect(response.status).toBe(201);
    const text = await events.waitFor('Bob commented');
    const data = JSON.parse(/^data: (.+)$/m.exec(text)![1]!);
    expect(data).toMatchObject({
      notice_type: 2,
      unread_count: 1,
      title: 'Bob commented',
      content: 'Nice',
      url: 'https://app.test/c/1',
    });
    expect(getEventIds(text)).toHaveLength(1);
  });

  it('sends `: ping` heartbeats', async () => {
    const server = await start({ heartbeatMs: 50 });
    const events = await stream(server);
    await events.waitFor(/(: ping\n\n[^]*){2}/);
  });

  it('sends retry: when configured', async () => {
    const server = await start({ retryMs: 2500 });
    const events = await stream(server);
    await events.waitFor('retry: 2500\n');
  });

  it('only delivers a user their own events', async () => {
    const server = await start();
    const alice = await stream(server);
    const root = await stream(server, auth(ROOT.token));
    await Promise.all([alice.waitFor(': connected'), root.waitFor(': connected')]);
    await publish(server, { username: 'root', notice_type: 5, title: 'for root' });
    await root.waitFor('for root');
    await publish(server, { username: 'alice', notice_type: 0, title: 'for alice' });
    await alice.waitFor('for alice');
    expect(alice.text()).not.toContain('for root');
  });

  it('replays what was missed after Last-Event-ID, in order, then goes live', async () => {
    const server = await start();
    const first = await stream(server);
    await first.waitFor(': connected');
    for (const title of ['one', 'two', 'three']) await publish(server, { username: 'alice', notice_type: 0, title });
    const seen = await first.waitFor('three');
    const [id1] = getEventIds(seen);
    first.close();

    const second = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': id1! });
    const replayed = await second.waitFor('three');
    expect(replayed).not.toContain('"one"');
    expect(replayed.indexOf('"two"')).toBeLessThan(replayed.indexOf('"three"'));
    expect(replayed).not.toContain('resync');
    await publish(server, { username: 'alice', notice_type: 0, title: 'four' });
    await second.waitFor('four');
  });

  it('answers resync when the id is older than the log, unknown, or from another server instance', async () => {
    const server = await start({ replayLimit: 2 });
    const first = await stream(server);
    await first.waitFor(': connected');
    for (const title of ['a', 'b', 'c', 'd']) await publish(server, { username: 'alice', notice_type: 0, title });
    const ids = getEventIds(await first.waitFor('"d"'));

    for (const lastId of [ids[0]!, 'ffffffff.1', 'garbage', `${ids[0]!.split('.')[0]}.999`]) {
      const again = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': lastId });
      const text = await again.waitFor('replay_unavailable');
      expect(text).toContain(`event: resync\nid: ${ids[3]}\n`);
      expect(text).not.toContain('"title"');
      again.close();
    }
    // Inside the log: replay, no resync.
    const inLog = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': ids[2]! });
    const text = await inLog.waitFor('"d"');
    expect(text).not.toContain('resync');
  });

  it('refuses a stream without credentials, with a bad token, and legacy ?username= unless enabled', async () => {
    const server = await start();
    for (const [url, headers] of [
      ['/notification/socket_connection', {}],
      ['/notification/socket_connection', auth('wrong-token-000')],
      ['/notification/socket_connection?username=alice', {}],
    ] as const) {
      const response = await fetch(server.url + url, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toHaveProperty('error');
    }
    const legacy = await start({ legacyUsernameAuth: true });
    const events = await openStream(`${legacy.url}/notification/socket_connection?username=alice`);
    streams.push(events);
    expect(events.status).toBe(200);
  });

  it('limits streams per user with 429 and Retry-After', async () => {
    const server = await start({ maxStreamsPerUser: 2 });
    await stream(server);
    await stream(server);
    const response = await fetch(`${server.url}/notification/socket_connection`, { headers: auth(ALICE.token) });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('closes streams cleanly on shutdown', async () => {
    const server = await start();
    const events = await stream(server);
    await events.waitFor(': connected');
    expect(server.streamCount()).toBe(1);
    await server.close();
    expect(server.streamCount()).toBe(0);
  });
});

describe('counts, items and mark read', () => {
  it('lists items newest first with unread_count, paged', async () => {
    const server = await start();
    for (const title of ['old', 'middle', 'new']) await publish(server, { username: 'alice', notice_type: 3, title });
    const response = await fetch(`${server.url}/notification/system?page=1&limit=2`, { headers: auth(ALICE.token) });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.unread_count).toBe(3);
    expect(body.total).toBe(3);
    expect(body.data.map((item: { title: string }) => item.title)).toEqual(['new', 'middle']);
    expect(body.data[0]).toMatchObject({ notice_type: 3, read: false, url: null });
    const page2 = await (
      await fetch(`${server.url}/notification/system?page=2&limit=2`, { headers: auth(ALICE.token) })
    ).json();
    expect(page2.data.map((item: { title: string }) => item.title)).toEqual(['old']);
  });

  it('marks all or some read, answers 204, and tells open streams the new count', async () => {
    const server = await start();
    const events = await stream(server);
    await events.waitFor(': connected');
    const ids: string[] = [];
    for (const title of ['x', 'y', 'z'])
      ids.push((await (await publish(server, { username: 'alice', notice_type: 1, title })).json()).id);

    const some = await fetch(`${server.url}/notification/stars/read`, {
      method: 'POST',
      headers: { ...auth(ALICE.token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids: [ids[0], 'n-unknown'] }),
    });
    expect(some.status).toBe(204);
    await events.waitFor('"unread_count":2,"kind":"read"');
    const all = await fetch(`${server.url}/notification/stars/read`, { method: 'POST', headers: auth(ALICE.token) });
    expect(all.status).toBe(204);
    await events.waitFor('"unread_count":0,"kind":"read"');
    const body = await (await fetch(`${server.url}/notification/stars?limit=1`, { headers: auth(ALICE.token) })).json();
    expect(body.unread_count).toBe(0);
  });

  it('answers who am I, and hides report emails from role user with 403', async () => {
    const server = await start();
    expect(await (await fetch(`${server.url}/notification/me`, { headers: auth(ALICE.token) })).json()).toEqual({
      username: 'alice',
      role: 'user',
    });
    expect((await fetch(`${server.url}/notification/report_email`, { headers: auth(ALICE.token) })).status).toBe(403);
    expect((await fetch(`${server.url}/notification/report_email`, { headers: auth(ROOT.token) })).status).toBe(200);
  });

  it('signs in with a session cookie', async () => {
    const server = await start();
    const login = await fetch(`${server.url}/auth/session`, {
      method: 'POST',
      body: JSON.stringify({ token: ALICE.token }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^beacon_session=/);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/);
    const me = await fetch(`${server.url}/notification/me`, { headers: { Cookie: cookie } });
    expect(await me.json()).toEqual({ username: 'alice', role: 'user' });
  });
});

describe('bad input gets a 4xx JSON error and the server keeps serving', () => {
  const cases: Array<[string, string, RequestInit, number, RegExp]> = [
    ['unknown category', '/notification/bogus', {}, 404, /unknown category/],
    ['limit out of range', '/notification/likes?limit=500', {}, 400, /limit/],
    ['limit not a number', '/notification/likes?limit=abc', {}, 400, /limit/],
    ['page zero', '/notification/likes?page=0', {}, 400, /page/],
    ['mark read with bad JSON', '/notification/likes/read', { method: 'POST', body: '{nope' }, 400, /not valid JSON/],
    ['mark read with bad ids', '/notification/likes/read', { method: 'POST', body: '{"ids": [1, 2]}' }, 400, /ids/],
    ['unknown route', '/nothing/here', {}, 404, /no route/],
  ];
  it.each(cases)('%s', async (_name, path, init, status, message) => {
    const server = await start();
    const response = await fetch(server.url + path, { ...init, headers: auth(ALICE.token) });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect((await response.json()).error).toMatch(message);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('rejects admin calls without the admin token, bad notice_type, bad url, unknown user, huge bodies', async () => {
    const server = await start();
    const noToken = await fetch(`${server.url}/admin/publish`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
    expect((await publish(server, { username: 'alice', notice_type: 9 })).status).toBe(400);
    expect((await publish(server, { username: 'alice', notice_type: 1.5 })).status).toBe(400);
    expect((await publish(server, { username: 'alice', notice_type: 0, url: 'javascript:alert(1)' })).status).toBe(400);
    expect((await publish(server, { username: 'nobody', notice_type: 0 })).status).toBe(404);
    const huge = await publish(server, { username: 'alice', notice_type: 0, title: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatch(/larger than/);
    expect((await publish(server, { username: 'alice', notice_type: 0, title: 'still fine' })).status).toBe(201);
  });

  it('answers CORS preflights from extension origins', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/notification/socket_connection`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'chrome-extension://abcdefghijklmnop',
        'Access-Control-Request-Headers': 'authorization,last-event-id',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('chrome-extension://abcdefghijklmnop');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/);
  });
});

describe('persistence', () => {
  it('keeps users, items, counts and the replay log across a restart with --data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beacon-data-'));
    dirs.push(dir);
    const first = await start({ dataDir: dir });
    const events = await stream(first);
    await events.waitFor(': connected');
    await publish(first, { username: 'alice', notice_type: 4, title: 'before' });
    const [lastId] = getEventIds(await events.waitFor('before'));
    await publish(first, { username: 'alice', notice_type: 4, title: 'missed' });
    await first.close();

    const second = await start({ dataDir: dir, users: [] });
    const body = await (
      await fetch(`${second.url}/notification/manager?limit=5`, { headers: auth(ALICE.token) })
    ).json();
    expect(body.unread_count).toBe(2);
    const resumed = await stream(second, { ...auth(ALICE.token), 'Last-Event-ID': lastId! });
    const text = await resumed.waitFor('missed');
    expect(text).not.toContain('resync');
  });

  it('in memory, a restart makes old ids unknown: resync', async () => {
    const first = await start();
    const events = await stream(first);
    await events.waitFor(': connected');
    await publish(first, { username: 'alice', notice_type: 0, title: 'gone' });
    const [lastId] = getEventIds(await events.waitFor('gone'));
    await first.close();
    const second = await start();
    const resumed = await stream(second, { ...auth(ALICE.token), 'Last-Event-ID': lastId! });
    await resumed.waitFor('event: resync');
  });
});

describe('request log', () => {
  it('shows every request the server received', async () => {
    const seen: RecordedRequest[] = [];
    const server = await start({ onRequest: (request) => seen.push(request) });
    await fetch(`${server.url}/notification/likes?page=1&limit=1`, { headers: auth(ALICE.token) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/notification/likes?page=1&limit=1' });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${ALICE.token}`);
  });
});

describe('start page', () => {
  it('stands in for the web app, naming only known categories', async () => {
    const server = await start();
    const page = await fetch(`${server.url}/?category=likes`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<strong>likes</strong>');
    expect(await (await fetch(`${server.url}/?category=<script>`)).text()).not.toContain('<script>');
  });
});

describe('legacy events', () => {
  it('sends only notice_type, on live streams and in replay', async () => {
    const server = await start({ legacyEvents: true });
    const events = await stream(server);
    await events.waitFor(': connected');
    await publish(server, { username: 'alice', notice_type: 2, title: 'hidden' });
    const text = await events.waitFor('"notice_type":2');
    expect(text).toMatch(/^data: \{"notice_type":2\}$/m);
    expect(text).not.toContain('hidden');
  });
});
