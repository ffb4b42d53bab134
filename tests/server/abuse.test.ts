// @vitest-environment node
/**
 * One client must not lock everyone out, and credentials must not be guessable fast: per-address connection caps,
 * a growing back-off on failed sign-ins and wrong tokens (per address, and per account for the admin token), and a
 * per-user limit on mark-read calls. Clients use several loopback addresses (127.0.0.2, 127.0.0.3, …).
 */
import { describe, expect, it } from 'vitest';
import { ALICE, auth, start } from '../helpers/server-fixture';
import { openRaw, parseRawResponse, requestFrom, type RawConnection } from '../helpers/raw-http';

const ADMIN = 'admin-secret-token';
const A = '127.0.0.2';
const B = '127.0.0.3';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server whose clock the test moves. */
async function startClocked(options: Parameters<typeof start>[0] = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const server = await start({ now: () => now, ...options });
  return { server, advance: (ms: number) => (now += ms) };
}

const me = (url: string, from: string, token: string) =>
  requestFrom(from, `${url}/notification/me`, { headers: auth(token) });
const signIn = (url: string, from: string, token: string) =>
  requestFrom(from, `${url}/auth/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    body: JSON.stringify({ token }),
  });
const admin = (url: string, from: string, token: string) =>
  requestFrom(from, `${url}/admin/users/nobody`, {
    method: 'PUT',
    headers: { ...auth(token), 'Content-Type': 'application/json' },
    body: '{}',
  });

describe('connections per address', () => {
  it('an address at its cap gets 429 JSON and a close; another address is still served', async () => {
    const server = await start({ maxConnections: 20, maxConnectionsPerAddress: 5 });
    const held: RawConnection[] = [];
    for (let i = 0; i < 20; i++) held.push(await openRaw(server.url, '', A));
    await wait(50);
    const refused = parseRawResponse(await held[5]!.closed(2000));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(refused.body).error).toMatch(/connections from this address/);
    expect((await requestFrom(B, `${server.url}/healthz`)).status).toBe(200);
    // A client that sends its request at once (as fetch does) reads the same answer.
    const sent = await requestFrom(A, `${server.url}/healthz`);
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('5');
    // The five accepted ones are still served.
    held[0]!.socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(parseRawResponse(await held[0]!.closed(2000)).status).toBe(200);
    for (const raw of held) raw.socket.destroy();
  });

  it('frees the slot when a connection closes', async () => {
    const server = await start({ maxConnectionsPerAddress: 2 });
    const held = [await openRaw(server.url, '', A), await openRaw(server.url, '', A)];
    await wait(50);
    held[0]!.socket.destroy();
    await wait(50);
    expect((await requestFrom(A, `${server.url}/healthz`)).status).toBe(200);
    held[1]!.socket.destroy();
  });
});

describe('back-off on wrong credentials', () => {
  it('wrong bearer tokens: five free, then 429 with a Retry-After that doubles, up to 10 minutes', async () => {
    const { server, advance } = await startClocked();
    for (let i = 0; i < 6; i++) expect((await me(server.url, A, `wrong-token-${i}`)).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const locked = await me(server.url, A, 'wrong-token-again');
      expect(locked.status).toBe(429);
      expect(JSON.parse(locked.body).error).toMatch(/too many failed sign-ins/);
      const seconds = Number(locked.headers['retry-after']);
      waits.push(seconds);
      advance(seconds * 1000);
      expect((await me(server.url, A, 'wrong-token-again')).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
  });

  it('a locked address is refused even with the right token (nothing is checked); another address is not', async () => {
    const { server } = await startClocked();
    for (let i = 0; i < 6; i++) await me(server.url, A, `wrong-token-${i}`);
    expect((await me(server.url, A, ALICE.token)).status).toBe(429);
    expect((await me(server.url, B, ALICE.token)).status).toBe(200);
  });

  it('a success does not reset the address: one valid token buys no more guesses', async () => {
    const { server } = await startClocked();
    for (let i = 0; i < 5; i++) await me(server.url, A, `wrong-token-${i}`);
    expect((await me(server.url, A, ALICE.token)).status).toBe(200);
    expect((await me(server.url, A, 'wrong-token-5')).status).toBe(401);
    expect((await me(server.url, A, ALICE.token)).status).toBe(429);
  });

  it('forgets an address after an hour without failures', async () => {
    const { server, advance } = await startClocked();
    for (let i = 0; i < 6; i++) await me(server.url, A, `wrong-token-${i}`);
    advance(60 * 60_000);
    for (let i = 0; i < 6; i++) expect((await me(server.url, A, `wrong-token-${i}`)).status).toBe(401);
  });

  it('wrong cookie sign-ins (POST /auth/session) back off the same way', async () => {
    const { server } = await startClocked();
    for (let i = 0; i < 6; i++) expect((await signIn(server.url, A, `wrong-token-${i}`)).status).toBe(401);
    const locked = await signIn(server.url, A, ALICE.token);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');
    expect((await signIn(server.url, B, ALICE.token)).status).toBe(200);
  });

  it('wrong admin tokens lock the address and the admin account, from any address, until the window ends', async () => {
    const { server, advance } = await startClocked();
    for (let i = 0; i < 3; i++) expect((await admin(server.url, A, `wrong-admin-${i}`)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await admin(server.url, B, `wrong-admin-${i}`)).status).toBe(401);
    // Spread over two addresses, six failures still lock the one account a guesser can name.
    expect((await admin(server.url, '127.0.0.4', ADMIN)).status).toBe(429);
    advance(1000);
    expect((await admin(server.url, '127.0.0.4', ADMIN)).status).toBe(200);
    // ...and a success clears the account's failures (not the addresses').
    for (let i = 0; i < 5; i++) expect((await admin(server.url, '127.0.0.5', `wrong-admin-${i}`)).status).toBe(401);
    expect((await admin(server.url, '127.0.0.5', ADMIN)).status).toBe(200);
  });

  it('unknown ?username= names (legacy) back off per address', async () => {
    const { server } = await startClocked({ legacyUsernameAuth: true });
    const legacy = (from: string, name: string) => requestFrom(from, `${server.url}/notification/me?username=${name}`);
    for (let i = 0; i < 6; i++) expect((await legacy(A, `nobody${i}`)).status).toBe(401);
    expect((await legacy(A, 'alice')).status).toBe(429);
    expect((await legacy(B, 'alice')).status).toBe(200);
  });

  it('one address gets 9 wrong tokens checked in 10 s and 20 in an hour (was about 9,000 and 3 million)', async () => {
    const { server, advance } = await startClocked();
    const count = async (budgetMs: number) => {
      let checked = 0;
      let elapsed = 0;
      for (let i = 0; elapsed < budgetMs; i++) {
        const answer = await me(server.url, A, `wrong-token-${i}`);
        if (answer.status === 401) checked++;
        else {
          const ms = Number(answer.headers['retry-after']) * 1000;
          advance(ms);
          elapsed += ms;
        }
      }
      return checked;
    };
    expect(await count(10_000)).toBe(9);
    advance(2 * 60 * 60_000); // forgotten: the hour starts from zero
    expect(await count(60 * 60_000)).toBe(20);
  });
});

describe('mark-read calls per user', () => {
  it('a burst, then 429 with Retry-After; refilled over time; other users unaffected', async () => {
    const { server, advance } = await startClocked({ markReadLimit: { burst: 3, perSecond: 1 } });
    const markRead = (token: string) =>
      requestFrom(A, `${server.url}/notification/likes/read`, { method: 'POST', headers: auth(token) });
    for (let i = 0; i < 3; i++) expect((await markRead(ALICE.token)).status).toBe(204);
    const limited = await markRead(ALICE.token);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(JSON.parse(limited.body).error).toMatch(/mark-read/);
    expect((await markRead('root-token-1234')).status).toBe(204);
    advance(1000);
    expect((await markRead(ALICE.token)).status).toBe(204);
  });
});
