// @vitest-environment node
/**
 * `--data DIR` holds every user's notifications and the digests of their tokens: a folder others can list is made
 * private; one others can write to (they could have planted a state.json with their own token digest) is refused.
 */
import { chmod, chown, mkdir, mkdtemp, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALICE, auth, start, trackDir } from '../helpers/server-fixture';

async function folder(mode: number): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'beacon-data-'));
  trackDir(parent);
  const dir = join(parent, 'data');
  await mkdir(dir);
  await chmod(dir, mode); // exact, whatever the umask
  return dir;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

describe('data folder at start', () => {
  it('makes an existing folder readable by others (0755) private (0700), and logs it', async () => {
    const dir = await folder(0o755);
    const lines: string[] = [];
    const server = await start({ dataDir: dir, log: (line) => lines.push(line) });
    expect(await modeOf(dir)).toBe(0o700);
    expect(lines).toContainEqual(expect.stringMatching(/made .*data private \(mode 755 → 700\)/));
    expect((await fetch(`${server.url}/notification/me`, { headers: auth(ALICE.token) })).status).toBe(200);
  });

  it('creates a missing folder 0700, whatever the umask', async () => {
    const dir = join(await folder(0o700), 'new', 'deeper');
    const umask = process.umask(0o000);
    try {
      await start({ dataDir: dir });
    } finally {
      process.umask(umask);
    }
    expect(await modeOf(dir)).toBe(0o700);
  });

  it.each(['777', '1777', '775', '730'])('refuses a folder of mode %s with a clear error, unchanged', async (octal) => {
    const mode = parseInt(octal, 8);
    const message = new RegExp(`writable by other users \\(mode ${octal}\\)`);
    const dir = await folder(mode);
    await expect(start({ dataDir: dir })).rejects.toThrow(message);
    await expect(start({ dataDir: dir })).rejects.toThrow(/chmod 700/);
    expect(await modeOf(dir)).toBe(mode);
  });

  it('refuses a state.json others can write to', async () => {
    const dir = await folder(0o700);
    await writeFile(join(dir, 'state.json'), '{}');
    await chmod(join(dir, 'state.json'), 0o666);
    await expect(start({ dataDir: dir })).rejects.toThrow(/state\.json is writable by other users \(mode 666\)/);
  });

  it('refuses a symbolic link: the real path must be given', async () => {
    const target = await folder(0o700);
    const link = `${target}-link`;
    await symlink(target, link);
    await expect(start({ dataDir: link })).rejects.toThrow(/symbolic link/);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a folder owned by another user (run as root)', async () => {
    const dir = await folder(0o700);
    await chown(dir, 65534, 65534);
    await expect(start({ dataDir: dir })).rejects.toThrow(/belongs to user 65534/);
  });
});
