/**
 * The stored accounts list (`storage.local`, settings-storage.ts): each account's connection, id and label, in the
 * user's order. Read back liberally in shape and strictly in bounds: a broken stored value never stops Beacon.
 */
import { getAccountKey } from './account-key';
import { MAX_ACCOUNTS, MAX_LABEL_LENGTH, MIGRATED_ACCOUNT_ID } from './accounts';
import { DEFAULT_SETTINGS, type AuthMethod, type ConnectionSettings, type RoleSetting } from './settings';

/** One account as stored: its connection (token included, never synced), id and label. */
export interface StoredAccount extends ConnectionSettings {
  id: string;
  label: string;
}

/**
 * What an id may be: a UUID, `main`, or an administrator's id (policy). Bounded and plain, since ids key storage,
 * the snapshot and notification ids.
 */
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** Longest value kept of any other text field: a URL, a token or a user name longer than this is not one. */
export const MAX_FIELD_LENGTH = 4096;

const AUTH_METHODS: readonly AuthMethod[] = ['cookie', 'token', 'username'];
const ROLES: readonly RoleSetting[] = ['auto', 'user', 'admin'];

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isAccountId = (value: unknown): value is string => typeof value === 'string' && ACCOUNT_ID.test(value);

/** A label cut to MAX_LABEL_LENGTH characters (code points: a cut never splits an emoji). */
export function getBoundedLabel(value: unknown): string {
  if (typeof value !== 'string') return '';
  return Array.from(value).slice(0, MAX_LABEL_LENGTH).join('');
}

const text = (value: unknown, fallback: string) =>
  typeof value === 'string' && value.length <= MAX_FIELD_LENGTH ? value : fallback;

/** The connection fields of any value, each one checked by type and bound; a field that fails takes the default. */
export function parseConnection(source: Record<string, unknown>): ConnectionSettings {
  const defaults = DEFAULT_SETTINGS;
  return {
    serverUrl: text(source.serverUrl, defaults.serverUrl),
    appUrl: text(source.appUrl, defaults.appUrl),
    authMethod: AUTH_METHODS.includes(source.authMethod as AuthMethod)
      ? (source.authMethod as AuthMethod)
      : defaults.authMethod,
    token: text(source.token, defaults.token),
    username: text(source.username, defaults.username),
    role: ROLES.includes(source.role as RoleSetting) ? (source.role as RoleSetting) : defaults.role,
  };
}

/**
 * The stored list: entries that are not objects or carry no usable id are dropped, a repeated id keeps its first
 * entry, at most MAX_ACCOUNTS are kept (the first ones: the user's order).
 */
export function parseStoredAccounts(value: unknown): StoredAccount[] {
  if (!Array.isArray(value)) return [];
  const accounts: StoredAccount[] = [];
  const seen = new Set<string>();
  for (const entry of value) {
    if (accounts.length === MAX_ACCOUNTS) break;
    if (!isRecord(entry) || !isAccountId(entry.id) || seen.has(entry.id)) continue;
    seen.add(entry.id);
    accounts.push({ id: entry.id, label: getBoundedLabel(entry.label), ...parseConnection(entry) });
  }
  return accounts;
}

/** True when a single-account value names anything: a server, a sign-in or a role of the user's. */
function isConfigured(connection: ConnectionSettings): boolean {
  const defaults = DEFAULT_SETTINGS;
  return (Object.keys(connection) as Array<keyof ConnectionSettings>).some(
    (field) => connection[field] !== defaults[field],
  );
}

/**
 * Migration of a single-account version's connection (v2 of `local:settings`, and v1 once its preferences moved to
 * `storage.sync`): the first account, id `main`, so the background keeps its snapshot (counts, Last-Event-ID). A
 * fresh install, a value that names nothing, or garbage becomes no account.
 */
export function getMigratedAccounts(value: unknown): StoredAccount[] {
  if (Array.isArray(value)) return parseStoredAccounts(value);
  if (!isRecord(value)) return [];
  const connection = parseConnection(value);
  return isConfigured(connection) ? [{ id: MIGRATED_ACCOUNT_ID, label: '', ...connection }] : [];
}

/**
 * The index of the first account that repeats an earlier one (same account key, so same server and sign-in, and
 * the same token: the same stream twice), or -1.
 */
export function findDuplicateAccount(accounts: readonly StoredAccount[]): number {
  const seen = new Set<string>();
  for (const [index, account] of accounts.entries()) {
    const key = getAccountKey({ ...DEFAULT_SETTINGS, ...account });
    if (key === null) continue;
    const identity = `${key}|${account.token.trim()}`;
    if (seen.has(identity)) return index;
    seen.add(identity);
  }
  return -1;
}

/** An empty account, for "Add account". */
export function getNewAccount(id: string): StoredAccount {
  const { serverUrl, appUrl, authMethod, token, username, role } = DEFAULT_SETTINGS;
  return { id, label: '', serverUrl, appUrl, authMethod, token, username, role };
}

/** The account moved by `delta` places (-1 up, +1 down); the same list when it cannot move. */
export function getMovedAccounts<T extends { id: string }>(accounts: readonly T[], id: string, delta: -1 | 1): T[] {
  const from = accounts.findIndex((account) => account.id === id);
  const to = from + delta;
  if (from === -1 || to < 0 || to >= accounts.length) return [...accounts];
  const moved = [...accounts];
  [moved[from], moved[to]] = [moved[to]!, moved[from]!];
  return moved;
}
