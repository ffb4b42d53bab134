// @vitest-environment node
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../server/app';
import { ALICE, ROOT, auth, publish, start, stream, trackDir } from '../helpers/server-fixture';
import { getEventIds } from '../helpers/sse-client';

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
      headers: { 'Content-Type': 'application/json' },
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
    // A lone surrogate is not text: Redis's JSON (cjson) could never read such an item back.
    expect((await publish(server, { username: 'alice', notice_type: 0, title: 'broken \ud800' })).status).toBe(400);
    expect((await publish(server, { username: 'nobody', notice_type: 0 })).status).toBe(404);
    const huge = await publish(server, { username: 'alice', notice_type: 0, title: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatch(/larger than/);
    expect((await publish(server, { username: 'alice', notice_type: 0, title: 'still fine' })).status).toBe(201);
  });

  it('refuses an item url over 2,048 characters (what clients keep, protocol §7.5) with 400 and the limit', async () => {
    const server = await start();
    const long = await publish(server, {
      username: 'alice',
      notice_type: 0,
      url: `https://app.test/${'a'.repeat(60_000)}`,
    });
    expect(long.status).toBe(400);
    expect((await long.json()).error).toMatch(/url must be an absolute http\(s\) URL of at most 2048 characters/);
    const longest = `https://app.test/${'u'.repeat(2048 - 'https://app.test/'.length)}`;
    expect((await publish(server, { username: 'alice', notice_type: 0, url: longest })).status).toBe(201);
    expect((await server.store.list('alice', 'likes', 1, 10)).data[0]?.url).toBe(longest);
  });
});

describe('persistence', () => {
  it('keeps users, items, counts and the replay log across a restart with --data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beacon-data-'));
    trackDir(dir);
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

  it('has a sign-in form whose script runs under a CSP without inline script or framing', async () => {
    const server = await start();
    const page = await fetch(`${server.url}/`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const html = await page.text();
    expect(html).toContain('data-test="sign-in"');
    expect(html).toMatch(/<script src="\/start\.js"><\/script>/);
    const script = await fetch(`${server.url}/start.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("'Content-Type': 'application/json'");
  });
});
