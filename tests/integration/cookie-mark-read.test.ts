// @vitest-environment node
/**
 * Beacon's mark read in browser-session mode against the reference server's CSRF rules: the request the API client
 * builds (JSON body, credentials) is accepted, the cross-site form post an attacker can make is not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBeaconServer, type BeaconServer } from '../../server/app';
import { createApiClientForSettings } from '@/utils/connection/api-client';
import { makeSettings } from '../helpers/service-harness';

let server: BeaconServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A browser's cookie jar for one cookie, and the request headers an extension background sends (Chromium). */
function withSessionCookie(cookie: string, sent: Array<Record<string, string>>): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('Cookie', cookie);
    headers.set('Sec-Fetch-Site', 'none');
    sent.push(Object.fromEntries(headers));
    return fetch(input, { ...init, headers });
  };
}

describe('mark read with a session cookie', () => {
  it('passes the CSRF check, where a text/plain post from another site does not', async () => {
    server = await startBeaconServer({
      adminToken: 'admin-token-for-tests-0123',
      users: [{ username: 'alice', token: 'alice-token-1', role: 'user' }],
    });
    await server.store.publish('alice', { notice_type: 0, title: 'like' });
    const login = await fetch(`${server.url}/auth/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
      body: JSON.stringify({ token: 'alice-token-1' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    const attack = await fetch(`${server.url}/notification/likes/read`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' },
      body: '{}',
    });
    expect(attack.status).toBeGreaterThanOrEqual(400);
    expect((await server.store.unreadCounts('alice')).likes).toBe(1);

    const sent: Array<Record<string, string>> = [];
    const api = createApiClientForSettings(
      makeSettings({ serverUrl: server.url, authMethod: 'cookie', token: '' }),
      withSessionCookie(cookie, sent),
    );
    await api.markRead('likes');
    expect(sent.at(-1)).toMatchObject({ 'content-type': 'application/json' });
    expect((await server.store.unreadCounts('alice')).likes).toBe(0);
  });
});
