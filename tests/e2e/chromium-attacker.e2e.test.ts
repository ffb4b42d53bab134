/**
 * A hostile page in real Chromium: the user is signed in to the reference server (session cookie), and a page of
 * another origin tries to read their notifications and to mark them read. The attacker is served on another port of
 * 127.0.0.1: same site for cookies (ports do not count), so the browser sends the cookie and only the server's CORS
 * and CSRF checks stand in the way. (From `localhost`, a different site, SameSite=Lax alone would keep the cookie.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hasBrowser } from '../drivers/browsers';
import { ChromiumBeacon } from '../drivers/chromium';
import { TestServer, USER } from '../drivers/test-server';

/** Runs in the attacker's page: what its script can get with the user's cookie. */
async function attack(api: string): Promise<Record<string, string>> {
  const outcome = async (run: () => Promise<string>) => run().catch((error: unknown) => `blocked: ${String(error)}`);
  return {
    read: await outcome(async () => (await fetch(`${api}/notification/likes`, { credentials: 'include' })).text()),
    // A "simple" request: no preflight, sent with the cookie; the page cannot read the answer, but the server acts.
    markReadPlain: await outcome(async () => {
      const init = { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' } as const;
      await fetch(`${api}/notification/likes/read`, { ...init, headers: { 'Content-Type': 'text/plain' } });
      return 'sent';
    }),
    markReadJson: await outcome(async () => {
      const headers = { 'Content-Type': 'application/json' };
      const response = await fetch(`${api}/notification/likes/read`, {
        method: 'POST',
        credentials: 'include',
        headers,
        body: '{}',
      });
      return `status ${response.status}`;
    }),
  };
}

describe.skipIf(!hasBrowser('chromium'))('Chromium: a page of another origin', () => {
  let server: TestServer | null = null;
  let beacon: ChromiumBeacon | null = null;
  let attacker: Server | null = null;
  afterEach(async () => {
    await beacon?.close();
    await server?.dispose();
    attacker?.close();
  });

  it('can neither read the notifications nor mark them read with the signed-in user cookie', async () => {
    server = await TestServer.start();
    beacon = await ChromiumBeacon.launch();
    attacker = createServer((_req, res) => res.end('<!doctype html><title>Totally harmless</title>'));
    await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
    await server.publish({ notice_type: 0, title: 'private' });

    const app = await beacon.openWebPage(`${server.url}/`);
    await app.waitForSelector('[data-test=status][data-state=signed-out]');
    await app.fill('#token', USER.token);
    await app.click('[data-test=sign-in] button');
    await app.waitForSelector('[data-test=status][data-state=signed-in]');

    const evil = await beacon.openWebPage(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const seenBefore = server.requests.length;
    const result = await evil.evaluate(attack, server.url);

    expect(result.read).toMatch(/^blocked: TypeError/);
    expect(result.read).not.toContain('private');
    expect(result.markReadJson).toMatch(/^blocked: TypeError/);
    expect(await server.total()).toBe(1);
    // The browser did send the cookie: the server's checks, not SameSite, refused it.
    // (Preflights carry no cookie: left out.)
    const attempts = server.requests
      .slice(seenBefore)
      .filter((request) => request.url.startsWith('/notification/') && request.method !== 'OPTIONS');
    expect(attempts.map((request) => request.method)).toEqual(expect.arrayContaining(['GET', 'POST']));
    for (const request of attempts) expect(request.headers.cookie).toMatch(/beacon_session=/);
  });
});
