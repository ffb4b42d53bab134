// @vitest-environment node
/** A hostile web page, seen from the server: CORS reads and cross-site state changes with the user's cookie. */
import { describe, expect, it } from 'vitest';
import { ALICE, auth, publish, signInCookie, start } from '../helpers/server-fixture';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

describe('CORS: only allowed origins may read with credentials', () => {
  it('gives a hostile origin no CORS headers, even with the cookie', async () => {
    const server = await start({ allowedOrigins: [APP] });
    const cookie = await signInCookie(server);
    for (const origin of [EVIL, 'null', 'chrome-extension://someotherextension']) {
      const response = await fetch(`${server.url}/notification/likes`, { headers: { Cookie: cookie, Origin: origin } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const preflight = await fetch(`${server.url}/notification/likes/read`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers the allowed web app origin, with credentials and Vary: Origin', async () => {
    const server = await start({ allowedOrigins: [APP] });
    const preflight = await fetch(`${server.url}/notification/socket_connection`, {
      method: 'OPTIONS',
      headers: { Origin: APP, 'Access-Control-Request-Headers': 'last-event-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/);
    expect(preflight.headers.get('vary')).toMatch(/Origin/);
  });

  it('refuses to start with an allowed origin that is not an http(s) origin', async () => {
    await expect(start({ allowedOrigins: ['null'] })).rejects.toThrow(/allowed origin/);
    await expect(start({ allowedOrigins: ['*'] })).rejects.toThrow(/allowed origin/);
  });
});

describe('CSRF: cookie-authenticated changes need JSON and an allowed origin', () => {
  const markRead = (url: string, headers: Record<string, string>, body?: string) =>
    fetch(`${url}/notification/likes/read`, { method: 'POST', headers, body });

  it('refuses a cross-site text/plain mark read with the cookie, and nothing is marked read', async () => {
    const server = await start({ allowedOrigins: [APP] });
    await publish(server, { username: 'alice', notice_type: 0, title: 'keep me unread' });
    const cookie = await signInCookie(server);
    const simple = await markRead(
      server.url,
      { Cookie: cookie, Origin: EVIL, 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'text/plain' },
      '{}',
    );
    expect(simple.status).toBe(403);
    const json = await markRead(
      server.url,
      { Cookie: cookie, Origin: EVIL, 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' },
      '{}',
    );
    expect(json.status).toBe(403);
    expect((await json.json()).error).toMatch(/cross-site/);
    // Same site but another origin (a sibling app, another port) is no better.
    const sibling = await markRead(
      server.url,
      {
        Cookie: cookie,
        Origin: 'http://127.0.0.1:1',
        'Sec-Fetch-Site': 'same-site',
        'Content-Type': 'application/json',
      },
      '{}',
    );
    expect(sibling.status).toBe(403);
    // An old browser without Sec-Fetch-* still sends Origin.
    const old = await markRead(server.url, { Cookie: cookie, Origin: EVIL, 'Content-Type': 'application/json' }, '{}');
    expect(old.status).toBe(403);
    expect((await server.store.unreadCounts('alice')).likes).toBe(1);
  });

  it('accepts the same origin, the allowed web app and extension backgrounds', async () => {
    const server = await start({ allowedOrigins: [APP] });
    const cookie = await signInCookie(server);
    const json = { Cookie: cookie, 'Content-Type': 'application/json' };
    const cases: Array<Record<string, string>> = [
      { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' },
      { Origin: APP, 'Sec-Fetch-Site': 'cross-site' },
      // What Chromium sends from a background holding host permission, and what Firefox sends.
      { Origin: 'chrome-extension://abcdefghijklmnop', 'Sec-Fetch-Site': 'none' },
      { Origin: 'moz-extension://0b4f6c3e-1111-2222-3333-444455556666', 'Sec-Fetch-Site': 'same-origin' },
      { Origin: server.url },
      {},
    ];
    for (const headers of cases) {
      await publish(server, { username: 'alice', notice_type: 0 });
      const response = await markRead(server.url, { ...json, ...headers }, '{}');
      expect(response.status, JSON.stringify(headers)).toBe(204);
      expect((await server.store.unreadCounts('alice')).likes).toBe(0);
    }
  });

  it('takes JSON only, even from the same origin', async () => {
    const server = await start();
    const cookie = await signInCookie(server);
    const headers = { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'text/plain' };
    expect((await markRead(server.url, headers, '{}')).status).toBe(415);
    expect((await markRead(server.url, { Cookie: cookie }, '{}')).status).toBe(415);
  });

  it('does not ask bearer-token clients for more: they cannot be forged by a page', async () => {
    const server = await start();
    const response = await markRead(server.url, { ...auth(ALICE.token), Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' });
    expect(response.status).toBe(204);
  });

  it('refuses cross-site sign-in (login CSRF) and sign-out', async () => {
    const server = await start({ allowedOrigins: [APP] });
    const login = await fetch(`${server.url}/auth/session`, {
      method: 'POST',
      headers: { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'text/plain' },
      body: JSON.stringify({ token: ALICE.token }),
    });
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie')).toBeNull();
    const loginJson = await fetch(`${server.url}/auth/session`, {
      method: 'POST',
      headers: { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: ALICE.token }),
    });
    expect(loginJson.status).toBe(403);
    expect(loginJson.headers.get('set-cookie')).toBeNull();

    const cookie = await signInCookie(server);
    const logout = await fetch(`${server.url}/auth/session`, {
      method: 'DELETE',
      headers: { Cookie: cookie, Origin: EVIL, 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' },
    });
    expect(logout.status).toBe(403);
    expect((await fetch(`${server.url}/notification/me`, { headers: { Cookie: cookie } })).status).toBe(200);
  });
});

describe('session cookie', () => {
  it('is HttpOnly and SameSite=Lax; not Secure on a loopback server over plain HTTP', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/auth/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: ALICE.token }),
    });
    const loopback = response.headers.get('set-cookie')!;
    expect(loopback).toMatch(/HttpOnly/);
    expect(loopback).toMatch(/SameSite=Lax/);
    expect(loopback).not.toMatch(/Secure/);
    // Secure follows the configuration, not the Host header: tests/server/sessions.test.ts.
  });

  it('answers 401, not 500, to a malformed cookie escape', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/notification/me`, { headers: { Cookie: 'beacon_session=%E0%A4%A' } });
    expect(response.status).toBe(401);
  });
});
