/**
 * The background's whole state, keyed by account: what the reducer (background-reducer.ts) changes and nothing else
 * does. The snapshot the badge, the popup and storage see is a view of it (`getSnapshot`).
 */
import { CATEGORIES, type Category, type CategoryCounts } from '../protocol/categories';
import type { RoleSetting } from '../settings/settings';
import type { Snooze } from '../settings/snooze';
import { getEmptySnapshot, type Diagnostics, type Notice, type Snapshot } from '../snapshot/snapshot';

/** What Beacon knows about one account (one server and sign-in). */
export interface AccountState {
  counts: CategoryCounts;
  countsKnown: boolean;
  /** The role counted with: `getEffectiveRole(roleSetting, serverRole)`, kept by the reducer. */
  role: string | null;
  roleSetting: RoleSetting;
  /** What the server said (`GET /notification/me`); null until it has. */
  serverRole: string | null;
  latest: Snapshot['latest'];
  connection: Snapshot['connection'];
  lastEventId: string | null;
  lastError: Snapshot['lastError'];
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
  accounts: Readonly<Record<string, AccountState>>;
  /** The account the badge and the popup show; null when none is set up. */
  shown: string | null;
  diagnostics: Diagnostics;
  /** No OS notifications while it is in force; the badge keeps counting. */
  snooze: Snooze | null;
  /** Kinds of problem already logged in this worker's lifetime: a misbehaving server must not flood the console. */
  logged: readonly string[];
}

const byCategory = <T>(value: () => T) =>
  Object.fromEntries(CATEGORIES.map((category) => [category, value()])) as Record<Category, T>;

export function getEmptyAccount(): AccountState {
  const empty = getEmptySnapshot();
  return {
    counts: empty.counts,
    countsKnown: false,
    role: null,
    roleSetting: 'auto',
    serverRole: null,
    latest: empty.latest,
    connection: { status: 'connecting', retryAt: null, reason: null },
    lastEventId: null,
    lastError: null,
    lastSyncedAt: null,
    lastEventAt: null,
    countVersions: byCategory(() => 0),
    fetchOrder: byCategory(() => 0),
    newest: byCategory(() => null),
    stream: null,
  };
}

/**
 * The state a (checked) persisted snapshot describes: its account with its numbers, ready to show at once while the
 * worker connects (the stored connection state is history: every start connects).
 */
export function getStateFromSnapshot(snapshot: Snapshot): BackgroundState {
  const { accountKey, diagnostics } = snapshot;
  const accounts: Record<string, AccountState> = {};
  if (accountKey !== null) {
    const { counts, countsKnown, role, latest, lastEventId, lastError, lastSyncedAt, lastEventAt } = snapshot;
    accounts[accountKey] = {
      ...getEmptyAccount(),
      ...{ counts, countsKnown, role, latest, lastEventId, lastError, lastSyncedAt, lastEventAt },
      serverRole: role,
    };
  }
  return { accounts, shown: accountKey, diagnostics, snooze: null, logged: [] };
}

/** What the badge, the popup and storage see: the shown account's numbers, or an unconfigured snapshot. */
export function getSnapshot(state: BackgroundState): Snapshot {
  const empty = getEmptySnapshot();
  const account = state.shown === null ? undefined : state.accounts[state.shown];
  if (!account) return { ...empty, diagnostics: state.diagnostics };
  const { counts, countsKnown, role, latest, connection, lastEventId, lastError, lastSyncedAt, lastEventAt } = account;
  return {
    accountKey: state.shown,
    ...{ counts, countsKnown, role, latest, connection, lastEventId, lastError, lastSyncedAt, lastEventAt },
    diagnostics: state.diagnostics,
  };
}
