/**
 * The background's whole state, keyed by account: what the reducer (background-reducer.ts) changes and nothing else
 * does. The snapshot the badge, the popup and storage see is a view of it (`getSnapshot`).
 */
import { CATEGORIES, type Category, type CategoryCounts } from '../protocol/categories';
import type { RoleSetting } from '../settings/settings';
import type { Snooze } from '../settings/snooze';
import {
  getEmptyAccountSnapshot,
  type AccountSnapshot,
  type Diagnostics,
  type Notice,
  type Snapshot,
} from '../snapshot/snapshot';

/** What Beacon knows about one account (one server and sign-in). */
export interface AccountState {
  /** Its account key (server + sign-in, no secrets): when the settings change it, the account starts afresh. */
  key: string;
  label: string;
  serverUrl: string;
  counts: CategoryCounts;
  countsKnown: boolean;
  /** The role counted with: `getEffectiveRole(roleSetting, serverRole)`, kept by the reducer. */
  role: string | null;
  roleSetting: RoleSetting;
  /** What the server said (`GET /notification/me`); null until it has. */
  serverRole: string | null;
  latest: AccountSnapshot['latest'];
  connection: AccountSnapshot['connection'];
  lastEventId: string | null;
  lastError: AccountSnapshot['lastError'];
  lastSyncedAt: number | null;
  lastEventAt: number | null;
  /**
   * Bumped whenever an event or a local change sets a category's count: a count request records the version it
   * started at, and its answer is applied only if no newer count came meanwhile.
   */
  countVersions: CategoryCounts;
  /** The `order` of the latest-started count request applied per category: an answer of an older one is dropped. */
  fetchOrder: CategoryCounts;
  /** Each category's newest notice seen (events and requests): what a legacy notification or a catch-up names. */
  newest: Record<Category, Notice | null>;
  /** The open stream: when it opened, and whether with a Last-Event-ID (the server may replay). */
  stream: { openedAt: number; resumed: boolean } | null;
}

export interface BackgroundState {
  /** By account id. */
  accounts: Readonly<Record<string, AccountState>>;
  /** The account ids in the user's order (popup sections, tooltip lines); empty when none is set up. */
  order: readonly string[];
  diagnostics: Diagnostics;
  /** No OS notifications while it is in force; the badge keeps counting. */
  snooze: Snooze | null;
  /** Kinds of problem already logged in this worker's lifetime: a misbehaving server must not flood the console. */
  logged: readonly string[];
}

const byCategory = <T>(value: () => T) =>
  Object.fromEntries(CATEGORIES.map((category) => [category, value()])) as Record<Category, T>;

export function getEmptyAccount(account: Pick<AccountState, 'key' | 'label' | 'serverUrl'>): AccountState {
  const { id: _id, accountKey: _key, ...empty } = getEmptyAccountSnapshot({ id: '', accountKey: '', ...account });
  return {
    ...empty,
    key: account.key,
    roleSetting: 'auto',
    serverRole: null,
    countVersions: byCategory(() => 0),
    fetchOrder: byCategory(() => 0),
    newest: byCategory(() => null),
    stream: null,
  };
}

/**
 * The state a (checked) persisted snapshot describes: its accounts with their numbers, ready to show at once while
 * the worker connects (the stored connection state is history: every start connects).
 */
export function getStateFromSnapshot(snapshot: Snapshot): BackgroundState {
  const accounts: Record<string, AccountState> = {};
  for (const stored of snapshot.accounts) {
    const { id, accountKey, label, serverUrl, connection: _connection, ...numbers } = stored;
    accounts[id] = {
      ...getEmptyAccount({ key: accountKey, label, serverUrl }),
      ...numbers,
      serverRole: stored.role,
    };
  }
  return {
    accounts,
    order: snapshot.accounts.map(({ id }) => id),
    diagnostics: snapshot.diagnostics,
    snooze: null,
    logged: [],
  };
}

/** What the badge, the popup and storage see: every account in order (none: unconfigured). */
export function getSnapshot(state: BackgroundState): Snapshot {
  return {
    accounts: state.order.map((id) => getAccountSnapshot(id, state.accounts[id]!)),
    diagnostics: state.diagnostics,
  };
}

function getAccountSnapshot(id: string, account: AccountState): AccountSnapshot {
  const { key, label, serverUrl, counts, countsKnown, role, latest, connection } = account;
  const { lastEventId, lastError, lastSyncedAt, lastEventAt } = account;
  return {
    ...{ id, label, serverUrl, accountKey: key, counts, countsKnown, role, latest, connection },
    ...{ lastEventId, lastError, lastSyncedAt, lastEventAt },
  };
}
