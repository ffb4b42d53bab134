/**
 * The background's core: owns the snapshot and the current account session, and drives the badge, the OS
 * notifications, the popup and persistence through injected effects. The entrypoint only wires browser APIs to it.
 */
import { describeError } from '../lib/errors';
import { realClock, withSafeDelays, type Clock } from '../lib/clock';
import type { Category } from '../protocol/categories';
import type { ArrivedNotice } from '../notifications/notification-plan';
import { getAccountKey } from '../settings/account-key';
import { getBaseUrl } from '../settings/server-url';
import { isSameSession, type Settings } from '../settings/settings';
import {
  getEmptySnapshot,
  normalizeSnapshot,
  type ConnectionInfo,
  type Notice,
  type Snapshot,
} from '../snapshot/snapshot';
import type { MarkReadTarget } from '../messaging/protocol-map';
import type { ItemPage } from '../snapshot/inbox-item';
import { saveMakingRoom, type StorageFailure } from '../snapshot/storage-failure';
import { AccountSession, type IgnoredCounter, type Logger } from './account-session';

export interface BackgroundCoreDeps {
  fetch: typeof fetch;
  loadSettings(): Promise<Settings>;
  /** The persisted snapshot, whatever shape storage holds: it is checked here. */
  loadSnapshot(): Promise<unknown>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** Frees `storage.local` for the snapshot (drops the oldest cached inbox list); false when nothing is left to drop. */
  makeStorageRoom?(): Promise<boolean>;
  /** Badge; called with every change, must be cheap when nothing visible changed. */
  render(snapshot: Snapshot): Promise<void>;
  /** Pushes the snapshot to an open popup; a closed popup is normal. */
  publish(snapshot: Snapshot): void;
  notifications: {
    add(notice: ArrivedNotice, settings: Settings): void;
    showSignIn(): void;
    /** Removes Beacon's notifications, when the user forgets the server. */
    clearAll(): void;
  };
  /** False when the browser does not let Beacon reach this server (optional host permission not granted). */
  hasHostPermission?(serverUrl: string): Promise<boolean>;
  /** An extension API call: keeps an MV3 service worker from being stopped while the stream is open. */
  keepAlive(): void;
  log: Logger;
  isOnline?(): boolean;
  clock?: Clock;
  random?: () => number;
  /** Snapshot writes are coalesced over this many ms. */
  persistDelayMs?: number;
}

/** Chrome stops an idle MV3 worker after 30 s; an extension API call this often while bytes arrive keeps it. */
const KEEP_ALIVE_INTERVAL_MS = 5000;

export class BackgroundCore {
  private snapshot: Snapshot = getEmptySnapshot();
  private settings: Settings | null = null;
  private session: AccountSession | null = null;
  /** Aborted when newer settings arrive while these are still being applied. */
  private applying: AbortController | null = null;
  private persistTimer: unknown = null;
  private lastKeepAlive = -Infinity;
  private loggedProblems = new Set<IgnoredCounter | StorageFailure['code']>();
  private readonly clock: Clock;

  constructor(private readonly deps: BackgroundCoreDeps) {
    // Every delay of the core and its sessions goes through this clock: none can overflow and fire at once.
    this.clock = withSafeDelays(deps.clock ?? realClock);
  }

  getSnapshot(): Snapshot {
    return structuredClone(this.snapshot);
  }

  /** The connection state alone, without copying the snapshot (for listeners that fire often). */
  get connectionStatus(): ConnectionInfo['status'] {
    return this.snapshot.connection.status;
  }

  /** Worker start: show the persisted numbers at once, then connect and resync. */
  async start(): Promise<void> {
    this.snapshot = normalizeSnapshot(await this.deps.loadSnapshot());
    this.snapshot.diagnostics = { ...this.snapshot.diagnostics, workerStartedAt: this.clock.now() };
    await this.applySettings(await this.deps.loadSettings());
  }

  /**
   * New settings (or the first load): reconnect at once; a different account starts from empty counts. Settings that
   * open the same session (preferences changed here or synced from another browser, the app URL, or the same values
   * written again) keep the open stream: a reconnect would be churn, and an event in its gap gets no notification.
   */
  async applySettings(settings: Settings): Promise<void> {
    if (this.session && this.settings && isSameSession(this.settings, settings)) {
      this.settings = settings; // the next notice is announced with these
      return;
    }
    this.applying?.abort();
    const applying = (this.applying = new AbortController());
    this.session?.close();
    this.session = null;
    this.settings = settings;
    const accountKey = getAccountKey(settings);
    if (accountKey !== this.snapshot.accountKey) {
      this.snapshot = { ...getEmptySnapshot(), accountKey, diagnostics: this.snapshot.diagnostics };
    }
    if (accountKey === null) {
      this.deps.notifications.clearAll();
      this.update({ connection: { status: 'unconfigured', retryAt: null, reason: null } });
      return;
    }
    if (settings.role !== 'auto') this.snapshot.role = settings.role;
    const permitted = (await this.deps.hasHostPermission?.(settings.serverUrl)) ?? true;
    if (applying.signal.aborted) return; // newer settings arrived meanwhile
    const server = getBaseUrl(settings.serverUrl);
    if (!permitted) {
      this.deps.log.warn(`no host permission for ${server}`);
      this.update({ connection: { status: 'stopped', retryAt: null, reason: { code: 'no-permission' } } });
      return;
    }
    this.deps.log.info(`connecting to ${server} (sign-in: ${settings.authMethod})`);
    this.session = new AccountSession(settings, this.snapshot.lastEventId, this.createSessionHost(), {
      fetch: this.deps.fetch,
      clock: this.clock,
      random: this.deps.random,
      isOnline: this.deps.isOnline,
    });
    this.session.start();
  }

  /** "Retry now", or leaving a signed-out/stopped state. */
  reconnect(): void {
    this.session?.start();
  }

  /** The browser is online again, or the watchdog alarm fired: make sure a connection is running. */
  wake(): void {
    this.session?.wake();
  }

  async markRead(target: MarkReadTarget): Promise<void> {
    if (!this.session) throw new Error('Beacon is not connected to a server');
    await this.session.inbox.markRead(target);
  }

  /** The popup's inbox: one page of a category's items from the server (the token stays in the background). */
  async getItems(category: Category, page: number): Promise<ItemPage> {
    if (!this.session) throw new Error('Beacon is not connected to a server');
    return this.session.inbox.getItemPage(category, page);
  }

  /** The popup's inbox: marks items read; the badge drops at once and comes back if the server refuses. */
  async markItemsRead(category: Category, ids: string[]): Promise<void> {
    if (!this.session) throw new Error('Beacon is not connected to a server');
    await this.session.inbox.markItemsRead(category, ids);
  }

  /** An error nothing caught (a bug): logged every time, and counted in diagnostics for bug reports. */
  recordUnhandledError(description: string): void {
    this.deps.log.error(`unhandled: ${description}`);
    const { diagnostics } = this.snapshot;
    this.update({ diagnostics: { ...diagnostics, unhandledErrors: diagnostics.unhandledErrors + 1 } });
  }

  private createSessionHost() {
    return {
      getSnapshot: () => this.snapshot,
      update: (change: Partial<Snapshot>) => this.update(change),
      setConnection: (connection: ConnectionInfo) => this.setConnection(connection),
      announce: (category: Category, notice: Notice | null, catchUp: boolean, count?: number) =>
        this.announce(category, notice, catchUp, count),
      countIgnored: (counter: IgnoredCounter, message: string, amount?: number) =>
        this.countIgnored(counter, message, amount),
      onActivity: () => this.keepAlive(),
      log: this.deps.log,
    };
  }

  private setConnection(connection: ConnectionInfo): void {
    const previous = this.snapshot.connection.status;
    const recovered = connection.status === 'live' || connection.status === 'connecting';
    this.update({ connection, lastError: recovered ? this.snapshot.lastError : connection.reason });
    if (connection.status === 'signed-out' && previous !== 'signed-out') this.deps.notifications.showSignIn();
  }

  private announce(category: Category, notice: Notice | null, catchUp: boolean, count = 1): void {
    if (!this.settings) return;
    this.deps.notifications.add(
      {
        category,
        id: notice?.id ?? null,
        title: notice?.title ?? '',
        content: notice?.content ?? '',
        url: notice?.url ?? null,
        catchUp,
        ...(count > 1 ? { count } : {}),
      },
      this.settings,
    );
  }

  private countIgnored(counter: IgnoredCounter, message: string, amount = 1): void {
    const { diagnostics } = this.snapshot;
    this.update({ diagnostics: { ...diagnostics, [counter]: diagnostics[counter] + amount } });
    // Logged once per kind per worker lifetime: a misbehaving server must not flood the console.
    if (!this.loggedProblems.has(counter)) {
      this.loggedProblems.add(counter);
      this.deps.log.warn(`${message} (further ones are only counted in diagnostics)`);
    }
  }

  private keepAlive(): void {
    const now = this.clock.now();
    if (now - this.lastKeepAlive < KEEP_ALIVE_INTERVAL_MS) return;
    this.lastKeepAlive = now;
    this.deps.keepAlive();
  }

  private update(change: Partial<Snapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    const snapshot = this.snapshot;
    void this.deps.render(snapshot).catch((error: unknown) => this.deps.log.error(`badge: ${describeError(error)}`));
    this.deps.publish(snapshot);
    this.persistTimer ??= this.clock.setTimeout(() => {
      this.persistTimer = null;
      void this.persist();
    }, this.deps.persistDelayMs ?? 200);
  }

  /** Saves the snapshot; storage that is full gets room made (cached lists dropped), a failure goes to diagnostics. */
  private async persist(): Promise<void> {
    const failure = await saveMakingRoom(
      () => this.deps.saveSnapshot(this.snapshot),
      this.deps.makeStorageRoom ?? (async () => false),
      () => this.clock.now(),
    );
    if (!failure) return;
    if (!this.loggedProblems.has(failure.code)) {
      this.loggedProblems.add(failure.code);
      const outcome = failure.healed ? 'saved after dropping cached inbox lists' : 'not saved';
      this.deps.log.error(`storage refused the snapshot (${failure.code}): ${outcome}`);
    }
    const diagnostics = { ...this.snapshot.diagnostics, storageFailure: failure };
    // Healed: saved again with the record. Not healed: shown only; the next change tries again (no write loop).
    if (failure.healed) return this.update({ diagnostics });
    this.snapshot = { ...this.snapshot, diagnostics };
    this.deps.publish(this.snapshot);
  }
}
