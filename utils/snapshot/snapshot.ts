/**
 * What the background knows and shows: counts, latest notices, connection state, diagnostics. Persisted
 * (snapshot-storage.ts) so a restarted worker or a new popup shows it at once.
 */
import type { ConnectionReason } from '../connection/connection-reason';
import { checkNotice, parseCount } from '../connection/server-input';
import { CATEGORIES, getVisibleCategories, getZeroCounts, type CategoryCounts } from '../protocol/categories';
import { isValidEventId, type ItemId } from '../protocol/wire';
import { MAX_ACCOUNTS, MAX_LABEL_LENGTH, MIGRATED_ACCOUNT_ID } from '../settings/accounts';
import { isStorageFailure, type StorageFailure } from './storage-failure';

export type ConnectionStatus =
  | 'unconfigured' // no server set up yet
  | 'connecting'
  | 'live'
  | 'reconnecting' // waiting for the next attempt (retryAt)
  | 'offline' // the browser says it is offline; waiting
  | 'signed-out' // 401/403: waits for new settings or a retry
  | 'stopped' // 204 or not an event stream: waits for new settings or a retry
  | 'error'; // the server answers, but not usefully (400/404/5xx); keeps retrying

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** Epoch ms of the next attempt, when status is reconnecting/offline/error. */
  retryAt: number | null;
  /** Why the state is not live, as a code the UI translates; null while live or connecting. */
  reason: ConnectionReason | null;
}

/** A notice as shown in the popup: plain text only. */
export interface Notice {
  /** The item's id in the type the server sent it (protocol §5), or null when it sent none. */
  id: ItemId | null;
  title: string;
  content: string;
  url: string | null;
  createdAt: string | null;
}

export interface Diagnostics {
  workerStartedAt: number | null;
  eventsReceived: number;
  malformedEvents: number;
  unknownTypes: number;
  oversizedEvents: number;
  /** `id:` values that could not be sent back as Last-Event-ID (too long, not Latin-1): ignored, the last good id kept. */
  rejectedEventIds: number;
  /** Requests that could not go out because of a value Beacon sends (a header): the value was dropped. */
  rejectedRequests: number;
  /** Items (in pages or events) dropped because their id was missing or unusable (too long: it cannot be cut). */
  refusedItems: number;
  reconnects: number;
  /** Comment lines (`: ping`, the protocol's heartbeat) on the stream, and when the last came (epoch ms). */
  heartbeats: number;
  lastHeartbeatAt: number | null;
  /** Message events (of a known type) that came with an `id:` Beacon can resume from. */
  eventsWithId: number;
  /** Message events with an `unread_count`, and without one (Beacon refetched the category's count). */
  eventsWithCount: number;
  eventsWithoutCount: number;
  /** `"kind": "read"` events: marks read made elsewhere reach Beacon. */
  readEvents: number;
  /** `resync` events: the server could not replay after the Last-Event-ID Beacon sent. */
  resyncs: number;
  /** Errors and rejections nothing caught in the background: bugs, shown so they get reported. */
  unhandledErrors: number;
  /** The last snapshot write `storage.local` refused, and whether making room healed it. */
  storageFailure: StorageFailure | null;
}

/** What Beacon knows about one account (one server and sign-in). No secrets: it is stored and shown. */
export interface AccountSnapshot {
  /** The account's id (`AccountSettings.id`): keys its state, storage and notifications. */
  id: string;
  /** The user's name for it; empty: `getAccountName` names it by its server's host. */
  label: string;
  /** Its server, to name it by host when the label is empty. */
  serverUrl: string;
  /** Which server and sign-in these numbers belong to (no secrets): counts are reset when it changes. */
  accountKey: string;
  counts: CategoryCounts;
  /** True once counts came from the server for this account. */
  countsKnown: boolean;
  role: string | null;
  latest: { system: Notice | null; manager: Notice | null };
  connection: ConnectionInfo;
  lastEventId: string | null;
  /** The last failure (stream or REST), kept for diagnostics after the connection recovered. */
  lastError: ConnectionReason | null;
  lastSyncedAt: number | null;
  /** When the last notice event arrived: under "Live" the popup says so, since a count sync can be old. */
  lastEventAt: number | null;
}

/** Every account in the user's order (none: Beacon is not set up), and the worker's diagnostics. */
export interface Snapshot {
  accounts: AccountSnapshot[];
  diagnostics: Diagnostics;
}

/** An account's snapshot before anything is known of it. */
export function getEmptyAccountSnapshot(
  account: Pick<AccountSnapshot, 'id' | 'label' | 'serverUrl' | 'accountKey'>,
): AccountSnapshot {
  return {
    ...account,
    counts: getZeroCounts(),
    countsKnown: false,
    role: null,
    latest: { system: null, manager: null },
    connection: { status: 'connecting', retryAt: null, reason: null },
    lastEventId: null,
    lastError: null,
    lastSyncedAt: null,
    lastEventAt: null,
  };
}

export function getEmptySnapshot(): Snapshot {
  return {
    accounts: [],
    diagnostics: {
      workerStartedAt: null,
      eventsReceived: 0,
      malformedEvents: 0,
      unknownTypes: 0,
      oversizedEvents: 0,
      rejectedEventIds: 0,
      rejectedRequests: 0,
      refusedItems: 0,
      reconnects: 0,
      heartbeats: 0,
      lastHeartbeatAt: null,
      eventsWithId: 0,
      eventsWithCount: 0,
      eventsWithoutCount: 0,
      readEvents: 0,
      resyncs: 0,
      unhandledErrors: 0,
      storageFailure: null,
    },
  };
}

/** Unread total over the categories this role sees. */
export function getTotal(account: Pick<AccountSnapshot, 'counts' | 'role'>): number {
  return getVisibleCategories(account.role).reduce((sum, category) => sum + account.counts[category], 0);
}

/**
 * Unread total over every account (each with the categories its role sees), the one the badge shows and the popup's
 * "N unread" (docs/architecture.md, "Badge"): with several accounts a signed-out one adds nothing, its last counts
 * are no longer the server's; one account alone keeps its last total, as it always did.
 */
export function getGrandTotal(snapshot: Pick<Snapshot, 'accounts'>): number {
  const { accounts } = snapshot;
  if (accounts.length === 1) return getTotal(accounts[0]!);
  return accounts.reduce(
    (sum, account) => sum + (account.connection.status === 'signed-out' ? 0 : getTotal(account)),
    0,
  );
}

const STATUSES: readonly ConnectionStatus[] = [
  'unconfigured',
  'connecting',
  'live',
  'reconnecting',
  'offline',
  'signed-out',
  'stopped',
  'error',
];
const REASON_CODES: ReadonlySet<string> = new Set<ConnectionReason['code']>([
  'http',
  'network',
  'stalled',
  'closed',
  'no-content',
  'not-event-stream',
  'unbounded-event',
  'invalid-response',
  'timeout',
  'offline',
  'no-permission',
  'unsendable-header',
  'too-large',
  'redirect',
  'buffered',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const orNull = <T>(value: unknown, check: (value: unknown) => value is T): T | null => (check(value) ? value : null);
const isString = (value: unknown): value is string => typeof value === 'string';
const isEpoch = (value: unknown): value is number => Number.isFinite(value);

/** The diagnostics that are not counters. */
const EPOCH_OR_RECORD_FIELDS = ['workerStartedAt', 'lastHeartbeatAt', 'storageFailure'] as const satisfies Array<
  keyof Diagnostics
>;

function isReason(value: unknown): value is ConnectionReason {
  return isRecord(value) && typeof value.code === 'string' && REASON_CODES.has(value.code);
}

/** A stored notice, checked with the same caps as one from a server: an older version may have kept anything. */
function getStoredNotice(value: unknown): Notice | null {
  return isRecord(value) ? checkNotice(value).notice : null;
}

/**
 * A snapshot from storage, checked field by field: whatever an older version or a broken write left there, Beacon gets
 * a well-formed snapshot (unknown or ill-typed fields take their empty value) and never fails on it. A single-account
 * version's snapshot (its fields at the top level) is that account with id `'main'` (MIGRATED_ACCOUNT_ID), so an
 * update keeps its counts and Last-Event-ID: no notification flood, no resync storm.
 */
export function normalizeSnapshot(value: unknown): Snapshot {
  if (!isRecord(value)) return getEmptySnapshot();
  const stored = Array.isArray(value.accounts)
    ? value.accounts
    : [{ id: MIGRATED_ACCOUNT_ID, label: '', serverUrl: getServerOfKey(value.accountKey), ...value }];
  const accounts: AccountSnapshot[] = [];
  for (const entry of stored.slice(0, MAX_ACCOUNTS)) {
    const account = normalizeAccount(entry);
    // An account without its id or key cannot be matched to settings; a second one with a used id is a broken write.
    if (account && !accounts.some(({ id }) => id === account.id)) accounts.push(account);
  }
  return { accounts, diagnostics: normalizeDiagnostics(value.diagnostics) };
}

/** The server part of a single-account version's account key (`server|method|username`), to name it until settings load. */
const getServerOfKey = (key: unknown) => (typeof key === 'string' ? key.split('|')[0]! : '');

/** Longest account id kept: a UUID is 36 characters, and the migrated account's is 'main'. */
const MAX_ID_LENGTH = 64;

function normalizeAccount(value: unknown): AccountSnapshot | null {
  if (!isRecord(value)) return null;
  const { id, accountKey } = value;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH || typeof accountKey !== 'string') return null;
  const empty = getEmptyAccountSnapshot({ id, label: '', serverUrl: '', accountKey });
  const counts = isRecord(value.counts) ? value.counts : {};
  const latest = isRecord(value.latest) ? value.latest : {};
  const connection = isRecord(value.connection) ? value.connection : {};
  const status = STATUSES.includes(connection.status as ConnectionStatus)
    ? (connection.status as ConnectionStatus)
    : empty.connection.status;
  return {
    id,
    label: isString(value.label) ? value.label.slice(0, MAX_LABEL_LENGTH) : '',
    serverUrl: isString(value.serverUrl) ? value.serverUrl.slice(0, MAX_SERVER_URL_LENGTH) : '',
    accountKey,
    counts: Object.fromEntries(
      CATEGORIES.map((category) => [category, parseCount(counts[category]) ?? 0]),
    ) as CategoryCounts,
    countsKnown: value.countsKnown === true,
    role: orNull(value.role, isString),
    latest: { system: getStoredNotice(latest.system), manager: getStoredNotice(latest.manager) },
    connection: {
      status,
      retryAt: orNull(connection.retryAt, isEpoch),
      reason: orNull(connection.reason, isReason),
    },
    // An id that cannot be sent back would fail every connection attempt: a stored one is dropped (a resync follows).
    lastEventId: orNull(value.lastEventId, isValidEventId),
    lastError: orNull(value.lastError, isReason),
    lastSyncedAt: orNull(value.lastSyncedAt, isEpoch),
    lastEventAt: orNull(value.lastEventAt, isEpoch),
  };
}

/** A stored server URL is only a name until the settings load: longer than a URL could usefully be, it is cut. */
const MAX_SERVER_URL_LENGTH = 2048;

function normalizeDiagnostics(value: unknown): Diagnostics {
  const empty = getEmptySnapshot().diagnostics;
  const diagnostics = isRecord(value) ? value : {};
  return {
    ...(Object.fromEntries(
      (Object.keys(empty) as Array<keyof Diagnostics>)
        .filter((key) => !(EPOCH_OR_RECORD_FIELDS as readonly string[]).includes(key))
        .map((key) => [key, parseCount(diagnostics[key]) ?? 0]),
    ) as Omit<Diagnostics, (typeof EPOCH_OR_RECORD_FIELDS)[number]>),
    workerStartedAt: orNull(diagnostics.workerStartedAt, isEpoch),
    lastHeartbeatAt: orNull(diagnostics.lastHeartbeatAt, isEpoch),
    storageFailure: orNull(diagnostics.storageFailure, isStorageFailure),
  };
}
