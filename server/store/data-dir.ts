/**
 * The `--data` folder holds every user's notifications and the digests of their tokens. At start it is made private,
 * or refused when someone else could already have changed what is in it:
 * - missing: created `0700`;
 * - readable or listable by others (`0755`): made `0700`, and logged (only its secrecy was at risk);
 * - writable by the group or others (`0775`, `0777`, sticky `1777`), or owned by another user: refused, as is a
 *   `state.json` others can write to. Whoever could write there could have planted a `state.json` with a token
 *   digest of their own, so tightening the mode now would not undo it;
 * - a symbolic link: refused; the real path must be given (a link is checked once but followed on every write).
 */
import { chmod, lstat, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const PRIVATE = 0o700;
const WRITABLE_BY_OTHERS = 0o022;

const octal = (mode: number) => (mode & 0o7777).toString(8);

function refuseWritable(path: string, mode: number): never {
  throw new Error(
    `${path} is writable by other users (mode ${octal(mode)}): they could have changed the data in it. ` +
      `Check it, then chmod 700 (go-w for state.json) it, or choose another folder`,
  );
}

/** Creates or checks the data folder as above; returns a line for the log when it was made private. */
export async function preparePrivateDir(dir: string): Promise<string | null> {
  const info = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!info) {
    await mkdir(dir, { recursive: true, mode: PRIVATE });
    await chmod(dir, PRIVATE); // exact, whatever the umask
    return null;
  }
  if (info.isSymbolicLink()) throw new Error(`${dir} is a symbolic link: give the folder's real path (realpath)`);
  if (!info.isDirectory()) throw new Error(`${dir} is not a folder`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `${dir} belongs to user ${info.uid}, not to this server's user (${uid}): chown it or choose another`,
    );
  }
  if (info.mode & WRITABLE_BY_OTHERS) refuseWritable(dir, info.mode);
  const file = join(dir, 'state.json');
  const fileInfo = await stat(file).catch(() => null);
  if (fileInfo && fileInfo.mode & WRITABLE_BY_OTHERS) refuseWritable(file, fileInfo.mode);
  if ((info.mode & 0o7777) === PRIVATE) return null;
  await chmod(dir, PRIVATE);
  return `made ${dir} private (mode ${octal(info.mode)} → 700)`;
}
