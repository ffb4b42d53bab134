// @vitest-environment node
/**
 * Session fixation and the session cookie: a sign-in replaces the session the browser carried (memory and Redis), and
 * the cookie's name and `Secure` follow the server's configuration, never the request's `Host`.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconServer, BeaconServerOptions } from '../../server/app';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';
import { ALICE, ROOT, signInCookie, start, stream } from '../helpers/server-fixture';

const me = (server: BeaconServer, cookie: string) =>
  fetch(`${server.url}/notification/me`, { headers: { Cookie: cookie } });

/** Signs in carrying `cookie` (as a browser that already holds one would); returns the new `name=value`. */
async function signInCarrying(server: BeaconServer, cookie: string, token = ALICE.token): Promise<string> {
  const response = await fetch(`${server.url}/auth/session`, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    body: JSON.stringify({ token }),
  });
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const missingRedis = getRedisMissingReason();
let redis: RedisProcess | undefined;
let prefix = 0;
beforeAll(async () => {
  if (!missingRedis) redis = await RedisProcess.start();
});
afterAll(() => redis?.stop());

const backends: Array<[string, () => Partial<BeaconServerOptions>]> = [
  ['memory', () => ({})],
  ['redis', () => ({ redisUrl: redis!.url, redisPrefix: `s${prefix++}:` })],
];

describe.each(backends)('sign-in rotates the session (%s)', (name, options) => {
  const skip = name === 'redis' && missingRedis !== null;

  it.skipIf(skip)('ends the session the request carried and its streams, and issues a new id', async () => {
    const server = await start(options());
    const old = await signInCookie(server);
    const otherDevice = await signInCookie(server);
    const oldStream = await stream(server, { Cookie: old });
    const otherStream = await stream(server, { Cookie: otherDevice });
    await Promise.all([oldStream.waitFor(': connected'), otherStream.waitFor(': connected')]);

    const fresh = await signInCarrying(server, old);
    expect(fresh).not.toBe(old);
    expect((await me(server, old)).status).toBe(401);
    expect((await me(server, fresh)).status).toBe(200);
    await oldStream.ended;
    // Another device's session is not the one the request carried: it stays, with its stream.
    expect((await me(server, otherDevice)).status).toBe(200);
    await expect.poll(() => server.streamCount()).toBe(1);
  });

  it.skipIf(skip)('ends the carried session when another user signs in on the same browser', async () => {
    const server = await start(options());
    const alices = await signInCookie(server);
    const roots = await signInCarrying(server, alices, ROOT.token);
    expect((await me(server, alices)).status).toBe(401);
    expect(await (await me(server, roots)).json()).toMatchObject({ username: 'root' });
  });

  it.skipIf(skip)('keeps the carried session when the sign-in fails', async () => {
    const server = await start(options());
    const cookie = await signInCookie(server);
    const wrong = await fetch(`${server.url}/auth/session`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
      body: JSON.stringify({ token: 'not-a-token-of-anyone' }),
    });
    expect(wrong.status).toBe(401);
    expect((await me(server, cookie)).status).toBe(200);
  });
});

/** POST /auth/session with a Host header fetch() would not let us choose; returns the Set-Cookie header. */
function signInWithHost(server: BeaconServer, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/auth/session`,
      { method: 'POST', headers: { Host: host, 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        resolve(String(res.headers['set-cookie']));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ token: ALICE.token }));
  });
}

describe('session cookie follows the configuration, not the Host header', () => {
  it('is Secure and __Host- prefixed for an https public URL, even for a request saying Host: localhost', async () => {
    const server = await start({ publicUrl: 'https://beacon.example' });
    for (const host of ['localhost', '127.0.0.1', `127.0.0.1:${server.port}`, '[::1]', 'beacon.example']) {
      const cookie = await signInWithHost(server, host);
      expect(cookie).toMatch(/^__Host-beacon_session=[\w-]+; Path=\/; /);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).not.toMatch(/Domain=/i);
    }
  });

  it('reads only the __Host- cookie when Secure: a plain cookie tossed from a sibling host signs nobody in', async () => {
    const server = await start({ publicUrl: 'https://beacon.example' });
    const hostCookie = (await signInWithHost(server, 'beacon.example')).split(';')[0]!;
    const id = hostCookie.slice(hostCookie.indexOf('=') + 1);
    expect((await me(server, hostCookie)).status).toBe(200);
    expect((await me(server, `beacon_session=${id}`)).status).toBe(401);
  });

  it('is plain and not Secure on a loopback server over HTTP, whatever the Host says', async () => {
    const server = await start();
    for (const host of ['app.example.com', 'localhost']) {
      const cookie = await signInWithHost(server, host);
      expect(cookie).toMatch(/^beacon_session=/);
      expect(cookie).not.toMatch(/Secure/);
    }
  });

  it('clears the same cookie name it sets on sign-out', async () => {
    const server = await start({ publicUrl: 'https://beacon.example' });
    const cookie = (await signInWithHost(server, 'beacon.example')).split(';')[0]!;
    const out = await fetch(`${server.url}/auth/session`, {
      method: 'DELETE',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-beacon_session=; Path=\/; .*Max-Age=0.*; Secure/);
    expect((await me(server, cookie)).status).toBe(401);
  });

  it('refuses a public URL that is not an http(s) origin', async () => {
    await expect(start({ publicUrl: 'ftp://beacon.example' })).rejects.toThrow(/public URL/);
    await expect(start({ publicUrl: 'https://beacon.example/app' })).rejects.toThrow(/public URL/);
  });
});
