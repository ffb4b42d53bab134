/**
 * What the background knows and shows: counts, latest notices, connection state, diagnostics.
 * Persisted in `storage.local` (`snapshot`) so a restarted worker or a new popup shows it at once.
 */
import { storage } from '@wxt-dev/storage';
import { getVisibleCategories, getZeroCounts, type CategoryCounts } from '../protocol/categories';

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
  /** A short, token-free reason for the state. */
  reason: string | null;
}

/** A notice as shown in the popup: plain text only. */
export interface Notice {
  id: string | null;
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
  reconnects: number;
  /** Errors and rejections nothing caught in the background: bugs, shown so they get reported. */
  unhandledErrors: number;
}

export interface Snapshot {
  /** Which server and account these numbers belong to (no secrets): counts are reset when it changes. */
  accountKey: string | null;
  counts: CategoryCounts;
  /** True once counts came from the server for this account. */
  countsKnown: boolean;
  role: string | null;
  latest: { system: Notice | null; manager: Notice | null };
  connection: ConnectionInfo;
  lastEventId: string | null;
  lastError: string | null;
  lastSyncedAt: number | null;
  diagnostics: Diagnostics;
}

export function getEmptySnapshot(): Snapshot {
  return {
    accountKey: null,
    counts: getZeroCounts(),
    countsKnown: false,
    role: null,
    latest: { system: null, manager: null },
    connection: { status: 'unconfigured', retryAt: null, reason: null },
    lastEventId: null,
    lastError: null,
    lastSyncedAt: null,
    diagnostics: {
      workerStartedAt: null,
      eventsReceived: 0,
      malformedEvents: 0,
      unknownTypes: 0,
      oversizedEvents: 0,
      reconnects: 0,
      unhandledErrors: 0,
    },
  };
}

/** Unread total over the categories this role sees. */
export function getTotal(snapshot: Pick<Snapshot, 'counts' | 'role'>): number {
  return getVisibleCategories(snapshot.role).reduce((sum, category) => sum + snapshot.counts[category], 0);
}

export const snapshotItem = storage.defineItem<Snapshot>('local:snapshot', {
  fallback: getEmptySnapshot(),
  version: 1,
});
