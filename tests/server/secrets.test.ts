// @vitest-environment node
/** Stolen files and stolen sessions: secrets at rest, session lifetime and revocation, the admin token. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALICE, auth, signInCookie, start, stream, trackDir } from '../helpers/server-fixture';

const ADMIN = 'admin-secret-token';
const me = (url: string, headers: Record<string, string>) => fetch(`${url}/notification/me`, { headers });
const putUser = (url: string, name: string, body: unknown) =>
  fetch(`${url}/admin/users/${name}`, {
    method: 'PUT',
    headers: { ...auth(ADMIN), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'beacon-secrets-'));
  trackDir(dir);
  return dir;
}

describe('secrets at rest', () => {
  it('writes state.json readable by its owner only, with no token or session id in it', async () => {
    const dir = await dataDir();
    const server = await start({ dataDir: dir });
    const cookie = await signInCookie(server);
    await server.close();
    const file = join(dir, 'state.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(ALICE.token);
    expect(text).not.toContain(cookie.split('=')[1]);
    // ...and still signs in after a restart.
    const again = await start({ dataDir: dir, users: [] });
    expect((await me(again.url, auth(ALICE.token))).status).toBe(200);
    expect((await me(again.url, { Cookie: cookie })).status).toBe(200);
  });

  it('migrates a version 1 file: plaintext tokens and session ids become hashes on disk at once', async () => {
    const dir = await dataDir();
    const v1 = {
      version: 1,
      epoch: 'abcd1234',
      nextItemId: 1,
      users: [{ ...ALICE, items: {}, unread: {}, seq: 0, log: [] }],
      sessions: { 'old-session-id-0123456789': 'alice' },
    };
    for (const user of v1.users)
      Object.assign(user, {
        items: { likes: [], stars: [], comments: [], system: [], manager: [], report_email: [] },
        unread: { likes: 0, stars: 0, comments: 0, system: 0, manager: 0, report_email: 0 },
      });
    await writeFile(join(dir, 'state.json'), JSON.stringify(v1), { mode: 0o644 });
    const server = await start({ dataDir: dir, users: [] });
    expect((await me(server.url, auth(ALICE.token))).status).toBe(200);
    expect((await me(server.url, { Cookie: 'beacon_session=old-session-id-0123456789' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const text = await readFile(join(dir, 'state.json'), 'utf8');
    expect(JSON.parse(text).version).toBe(2);
    expect(text).not.toContain(ALICE.token);
    expect(text).not.toContain('old-session-id-0123456789');
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('admin token', () => {
  it('refuses to start with an empty or short admin token', async () => {
    await expect(start({ adminToken: '' })).rejects.toThrow(/admin token/);
    await expect(start({ adminToken: 'short' })).rejects.toThrow(/admin token/);
  });

  it('refuses to start with an admin token of 16 spaces or with whitespace inside', async () => {
    await expect(start({ adminToken: ' '.repeat(16) })).rejects.toThrow(/admin token/);
    await expect(start({ adminToken: 'admin secret token 2' })).rejects.toThrow(/admin token/);
    await expect(start({ adminToken: '\tadmin-secret-token' })).rejects.toThrow(/admin token/);
  });

  it('PUT /admin/users refuses a token under 16 characters or with whitespace: 400 JSON, the old token kept', async () => {
    const server = await start();
    for (const token of [
      'fifteen-chars-x',
      ' '.repeat(16),
      ' '.repeat(20),
      'sixteen chars ok',
      'alice-new-token-\n',
      '',
    ]) {
      const response = await putUser(server.url, 'alice', { token });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/16/);
    }
    expect((await me(server.url, auth(ALICE.token))).status).toBe(200);
    expect((await putUser(server.url, 'alice', { token: 'sixteen-chars-ok' })).status).toBe(200);
    expect((await me(server.url, auth('sixteen-chars-ok'))).status).toBe(200);
  });

  it('the CLI refuses to start with a --user token under 16 characters or of spaces', () => {
    for (const spec of ['alice:short-token', `alice:${' '.repeat(16)}:user`]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', '--user', spec], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, BEACON_ADMIN_TOKEN: 'admin-secret-token' },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/--user.*16/);
    }
  }, 60_000);

  it('refuses a wrong admin token of any length', async () => {
    const server = await start();
    for (const token of ['', 'x', ADMIN.slice(0, -1), `${ADMIN}x`]) {
      const response = await fetch(`${server.url}/admin/users/bob`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(401);
    }
  });

  it('keeps a user token when PUT /admin/users has no token field; null clears it', async () => {
    const server = await start();
    expect((await putUser(server.url, 'alice', { role: 'manager' })).status).toBe(200);
    expect(await (await me(server.url, auth(ALICE.token))).json()).toEqual({ username: 'alice', role: 'manager' });
    expect((await putUser(server.url, 'alice', { role: 'user', token: null })).status).toBe(200);
    expect((await me(server.url, auth(ALICE.token))).status).toBe(401);
  });
});

describe('sessions', () => {
  it('expire after their time to live', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const server = await start({ sessionTtlMs: 60_000, now: () => now });
    const cookie = await signInCookie(server);
    expect((await me(server.url, { Cookie: cookie })).status).toBe(200);
    now += 61_000;
    expect((await me(server.url, { Cookie: cookie })).status).toBe(401);
  });

  it('are revoked, with their streams, when the token changes', async () => {
    const server = await start();
    const cookie = await signInCookie(server);
    const events = await stream(server, { Cookie: cookie });
    await events.waitFor(': connected');
    expect((await putUser(server.url, 'alice', { token: 'alice-new-token-456' })).status).toBe(200);
    expect((await me(server.url, { Cookie: cookie })).status).toBe(401);
    await expect.poll(() => server.streamCount()).toBe(0);
  });

  it('keeps serving when an event is published in the same tick as a token change ends the streams', async () => {
    const server = await start();
    const cookie = await signInCookie(server);
    const events = await stream(server, { Cookie: cookie });
    await events.waitFor(': connected');
    // Revocation ends the stream; the socket closes a moment later. Writing to it in between raised "write after
    // end" as an uncaught exception, which crashes a server process (and fails this run as an unhandled error).
    await server.store.upsertUser({ username: 'alice', role: 'user', token: 'alice-new-token-789' });
    await expect(server.store.publish('alice', { notice_type: 0, title: 'after revocation' })).resolves.toBeDefined();
    await expect.poll(() => server.streamCount()).toBe(0);
    expect((await me(server.url, auth('alice-new-token-789'))).status).toBe(200);
  });

  it('sign-out revokes the session and ends the streams it opened, not the others', async () => {
    const server = await start();
    const cookie = await signInCookie(server);
    const byCookie = await stream(server, { Cookie: cookie });
    const byToken = await stream(server);
    await Promise.all([byCookie.waitFor(': connected'), byToken.waitFor(': connected')]);
    const out = await fetch(`${server.url}/auth/session`, {
      method: 'DELETE',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await me(server.url, { Cookie: cookie })).status).toBe(401);
    await expect.poll(() => server.streamCount()).toBe(1);
  });

  it('are capped per user: the oldest goes first', async () => {
    const server = await start({ maxSessionsPerUser: 2 });
    const [first, second, third] = [await signInCookie(server), await signInCookie(server), await signInCookie(server)];
    expect((await me(server.url, { Cookie: first })).status).toBe(401);
    expect((await me(server.url, { Cookie: second })).status).toBe(200);
    expect((await me(server.url, { Cookie: third })).status).toBe(200);
  });
});
