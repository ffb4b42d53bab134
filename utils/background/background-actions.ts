/**
 * What happened (actions, sent by the sessions, the inbox, the connection loop, snooze and the entrypoint) and what
 * must be done about it (effects, carried out by BackgroundCore and the account sessions). The reducer turns one into
 * the other; these types are the whole vocabulary between the core and everything around it.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import type { ConnectionReason } from '../connection/connection-reason';
import type { Category } from '../protocol/categories';
import type { ArrivedNotice } from '../notifications/notification-plan';
import type { AccountSettings } from '../settings/accounts';
import type { Snooze } from '../settings/snooze';
import type { AccountSnapshot, ConnectionInfo, Notice, Snapshot } from '../snapshot/snapshot';
import type { StorageFailure } from '../snapshot/storage-failure';

/**
 * A category's count and newest item as a request returned them, with the count version the request started at and
 * its place among the account's requests (later requests carry larger numbers: a slower, older answer loses).
 */
interface FetchedCount {
  category: Category;
  version: number;
  order: number;
  unreadCount: number;
  latest: Notice | null;
}

export type Action =
  /** A worker started with this persisted (checked) snapshot. */
  | { type: 'started'; snapshot: Snapshot }
  /**
   * The accounts in force now, in the user's order (settings saved, policy changed): an account whose key changed
   * starts afresh, one no longer listed is forgotten.
   */
  | { type: 'accountsConfigured'; accounts: AccountSettings[] }
  | { type: 'snoozeChanged'; snooze: Snooze | null }
  | { type: 'unhandledError'; description: string }
  | { type: 'storageFailed'; failure: StorageFailure }
  | AccountAction;

/** What an account's session reports; the session adds its account's id (AccountAction). */
export type SessionAction =
  | { type: 'connectionChanged'; connection: ConnectionInfo }
  /** A stream attempt ended; `retryInMs` null: the loop waits for new settings or a retry. */
  | { type: 'attemptEnded'; reason: ConnectionReason; retryInMs: number | null }
  | { type: 'streamOpened'; resumed: boolean }
  | { type: 'streamMessage'; message: EventSourceMessage }
  /** A comment line on the stream (`: ping`, the protocol's heartbeat): counted for the diagnostics. */
  | { type: 'heartbeat' }
  | { type: 'oversizedEvent'; size: number }
  /** A stream request could not go out because of this header; a Last-Event-ID is dropped for a resync. */
  | { type: 'requestRefused'; header: string }
  | { type: 'roleFetched'; role: string }
  /** Counts from requests; `complete`: every visible category answered; `before`: the counts a resync started from. */
  | { type: 'countsFetched'; counts: FetchedCount[]; complete: boolean; before?: AccountSnapshot['counts'] }
  /** A count request or sync failed; `retry`: a sync retry is due unless this signs out. */
  | { type: 'requestFailed'; reason: ConnectionReason; retry: boolean }
  /** Categories the server marked read (the popup's "mark read"). */
  | { type: 'categoriesRead'; categories: Category[] }
  /** A count changed here, before the server confirms it (items marked read, or put back when that failed). */
  | { type: 'countAdjusted'; category: Category; by: number }
  /** A legacy event's count was refetched: announce the category's newest item. */
  | { type: 'refetchedForNotice'; category: Category; catchUp: boolean }
  | { type: 'itemsRefused'; count: number };

/** A session's action with its account's id. */
export type AccountAction = SessionAction & { account: string };

export type Effect =
  | { type: 'announce'; account: string; notice: ArrivedNotice }
  | { type: 'refetch'; account: string; category: Category; announceAfter: { catchUp: boolean } | null }
  | { type: 'sync'; account: string; afterResync: boolean }
  | { type: 'retrySync'; account: string }
  /** Signed out: the account's connection stops until something changes (protocol §7.4). */
  | { type: 'stopConnection'; account: string }
  | { type: 'showSignIn'; account: string }
  /** Every OS notification of Beacon (nothing is set up any more). */
  | { type: 'clearNotifications' }
  /** An account removed, or whose key changed: its OS notifications and cached inbox lists go. */
  | { type: 'forgetAccount'; account: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
