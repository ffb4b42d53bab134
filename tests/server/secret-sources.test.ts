// @vitest-environment node
/** Secrets out of `ps`: the admin token and user tokens from files or the environment; the command line warns. */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecrets } from '../../server/secret-sources';
import { ServerProcess } from '../drivers/server-cluster';
import { trackDir } from '../helpers/server-fixture';

const ADMIN = 'admin-token-from-a-file-0123';
const ALICE_TOKEN = 'alice-token-from-a-file-456';

async function secretFile(name: string, text: string, mode = 0o600): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'beacon-secret-'));
  trackDir(dir);
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

describe('loadSecrets', () => {
  it('reads the admin token (first line) and users (comments skipped) from files, without a warning', async () => {
    const secrets = await loadSecrets({
      adminTokenFile: await secretFile('admin', `${ADMIN}\n`),
      usersFile: await secretFile(
        'users',
        `# name:token:role\nalice:${ALICE_TOKEN}:user\n\n  root:root-token-0123456789:admin\r\n`,
      ),
      env: {},
    });
    expect(secrets).toEqual({
      adminToken: ADMIN,
      users: [
        { username: 'alice', token: ALICE_TOKEN, role: 'user' },
        { username: 'root', token: 'root-token-0123456789', role: 'admin' },
      ],
      warnings: [],
    });
  });

  it('reads BEACON_ADMIN_TOKEN and BEACON_USERS from the environment', async () => {
    const secrets = await loadSecrets({ env: { BEACON_ADMIN_TOKEN: ADMIN, BEACON_USERS: `alice:${ALICE_TOKEN}` } });
    expect(secrets.adminToken).toBe(ADMIN);
    expect(secrets.users).toEqual([{ username: 'alice', token: ALICE_TOKEN, role: 'user' }]);
    expect(secrets.warnings).toEqual([]);
  });

  it('warns once, naming the options but not the secrets, when they come on the command line', async () => {
    const secrets = await loadSecrets({ adminToken: ADMIN, users: [`alice:${ALICE_TOKEN}:user`], env: {} });
    expect(secrets.adminToken).toBe(ADMIN);
    expect(secrets.warnings).toHaveLength(1);
    expect(secrets.warnings[0]).toMatch(/--admin-token and --user .*command line/);
    expect(secrets.warnings[0]).not.toContain(ADMIN);
    expect(secrets.warnings[0]).not.toContain(ALICE_TOKEN);
  });

  it('warns when a secrets file can be read by others', async () => {
    const secrets = await loadSecrets({ adminTokenFile: await secretFile('admin', ADMIN, 0o644), env: {} });
    expect(secrets.warnings).toEqual([expect.stringMatching(/can be read by other users \(mode 644\)/)]);
    expect(secrets.warnings[0]).not.toContain(ADMIN);
  });

  it('refuses contradictions, empty and oversized files, and never echoes a malformed token', async () => {
    const file = await secretFile('admin', ADMIN);
    await expect(loadSecrets({ adminToken: ADMIN, adminTokenFile: file, env: {} })).rejects.toThrow(/not both/);
    await expect(loadSecrets({ adminTokenFile: await secretFile('empty', '\n'), env: {} })).rejects.toThrow(
      /no admin token/,
    );
    const big = await secretFile('big', 'x'.repeat(70_000));
    await expect(loadSecrets({ usersFile: big, env: {} })).rejects.toThrow(/larger than/);
    await expect(loadSecrets({ adminTokenFile: join(tmpdir(), 'no-such-beacon-file'), env: {} })).rejects.toThrow(
      /cannot read .*ENOENT/,
    );
    const malformed = loadSecrets({ users: ['alice-secret-token-without-colon'], env: {} });
    await expect(malformed).rejects.toThrow(/--user wants NAME:TOKEN/);
    await expect(malformed).rejects.not.toThrow(/alice-secret-token/);
  });
});

describe('server command line', () => {
  let server: ServerProcess | null = null;
  afterEach(async () => {
    await server?.kill();
    server = null;
  });

  it('warns on stderr, without the secrets, when --admin-token and --user are given', async () => {
    server = await ServerProcess.start(['--admin-token', ADMIN, '--user', `alice:${ALICE_TOKEN}:user`]);
    const warnings = server.lines.filter((line) => /warning/.test(line));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/--admin-token and --user .*command line/);
    expect(server.lines.join('\n')).not.toContain(ADMIN);
    expect(server.lines.join('\n')).not.toContain(ALICE_TOKEN);
  });

  it('takes --admin-token-file and --users-file: the tokens work and nothing is warned', async () => {
    const adminFile = await secretFile('admin', `${ADMIN}\n`);
    const usersFile = await secretFile('users', `alice:${ALICE_TOKEN}:user\n`);
    server = await ServerProcess.start(['--admin-token-file', adminFile, '--users-file', usersFile]);
    expect(server.lines.filter((line) => /warning/.test(line))).toEqual([]);
    const me = await fetch(`${server.url}/notification/me`, { headers: { Authorization: `Bearer ${ALICE_TOKEN}` } });
    expect(await me.json()).toEqual({ username: 'alice', role: 'user' });
    const publish = await fetch(`${server.url}/admin/publish`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice', notice_type: 0 }),
    });
    expect(publish.status).toBe(201);
  });
});
