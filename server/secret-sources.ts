/**
 * Where the server's secrets come from. A command line is readable by every local user (`ps`, `/proc/PID/cmdline`),
 * a process's environment and a `0600` file only by its owner: so the admin token and user tokens are taken from a
 * file (`--admin-token-file`, `--users-file`) or the environment (`BEACON_ADMIN_TOKEN`, `BEACON_USERS`), and their
 * command-line forms still work but draw a warning that never repeats the secret.
 */
import { open } from 'node:fs/promises';
import { getTokenProblem } from './secrets';
import type { UserSpec } from './store/backend';

/** A secrets file larger than this is a mistake (a wrong path), not a list of users. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

export interface SecretInputs {
  adminToken?: string;
  adminTokenFile?: string;
  /** `--user NAME:TOKEN[:ROLE]` values. */
  users?: readonly string[];
  usersFile?: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface Secrets {
  /** Null when none was given (the caller makes a random one). */
  adminToken: string | null;
  users: UserSpec[];
  /** One line each, for stderr; never a secret. */
  warnings: string[];
}

/** `NAME:TOKEN[:ROLE]`, as `--user` and each line of a users file take it. */
function parseUserSpec(spec: string, where = '--user'): UserSpec {
  const [username, token, role = 'user'] = spec.split(':');
  // The spec holds a token: say where it was, never what it was.
  if (!username || !token) throw new Error(`${where} wants NAME:TOKEN[:ROLE]`);
  const problem = getTokenProblem(token, `${where} ${username}: the token`);
  if (problem) throw new Error(problem);
  return { username, token, role };
}

/** One `NAME:TOKEN[:ROLE]` per line; blank lines and lines starting with `#` are skipped. */
function parseUserLines(text: string, where: string): UserSpec[] {
  const users: UserSpec[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#')) users.push(parseUserSpec(line, `${where} line ${index + 1}`));
  }
  return users;
}

/** Reads a secrets file (size-capped); warns when others than its owner may read it. */
async function readSecretFile(path: string, warnings: string[]): Promise<string> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error(`${path} is not a file`);
    if (info.size > MAX_SECRET_FILE_BYTES) throw new Error(`${path} is larger than ${MAX_SECRET_FILE_BYTES} bytes`);
    if ((info.mode & 0o077) !== 0) {
      warnings.push(`${path} can be read by other users (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`);
    }
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}

/** The admin token and users from the command line, files and environment; throws on contradictions. */
export async function loadSecrets(inputs: SecretInputs): Promise<Secrets> {
  const warnings: string[] = [];
  /** The options used, with what to use instead. */
  const onCommandLine = new Map<string, string>();

  if (inputs.adminToken !== undefined && inputs.adminTokenFile !== undefined) {
    throw new Error('give --admin-token or --admin-token-file, not both');
  }
  let adminToken: string | null = null;
  if (inputs.adminToken !== undefined) {
    adminToken = inputs.adminToken;
    onCommandLine.set('--admin-token', '--admin-token-file or BEACON_ADMIN_TOKEN');
  } else if (inputs.adminTokenFile !== undefined) {
    // The token is the file's first line: an editor's final newline is not part of it.
    adminToken = (await readSecretFile(inputs.adminTokenFile, warnings)).split(/\r?\n/)[0]!;
    if (adminToken === '') throw new Error(`${inputs.adminTokenFile} holds no admin token on its first line`);
  } else if (inputs.env.BEACON_ADMIN_TOKEN) adminToken = inputs.env.BEACON_ADMIN_TOKEN;

  const users = (inputs.users ?? []).map((spec) => parseUserSpec(spec));
  if (users.length > 0) onCommandLine.set('--user', '--users-file or BEACON_USERS');
  if (inputs.usersFile !== undefined) {
    users.push(...parseUserLines(await readSecretFile(inputs.usersFile, warnings), inputs.usersFile));
  }
  if (inputs.env.BEACON_USERS) users.push(...parseUserLines(inputs.env.BEACON_USERS, 'BEACON_USERS'));

  if (onCommandLine.size > 0) {
    warnings.unshift(
      `${[...onCommandLine.keys()].join(' and ')} put secrets on the command line, where every local user can ` +
        `read them (ps); use ${[...onCommandLine.values()].join(', and ')}`,
    );
  }
  return { adminToken, users, warnings };
}
