/**
 * The background's core: keeps the state, sends every change through the reducer (background-reducer.ts), shows the
 * result (badge, popup, storage) and carries out the effects the reducer asks for, itself or through the account
 * sessions. Browser APIs come in as injected effects; the entrypoint only wires them.
 */
import { describeError } from '../lib/errors';
import { realClock, type Clock } from '../lib/clock';
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import type { ArrivedNotice } from '../notifications/notification-plan';
import { getAccountKey } from '../settings/account-key';
import type { AccountSettings } from '../settings/accounts';
import { getBaseUrl } from '../settings/server-url';
import { isSameSession } from '../settings/settings';
import type { Snooze } from '../settings/snooze';
import { getEmptySnapshot, normalizeSnapshot, type ConnectionInfo, type Snapshot } from '../snapshot/snapshot';
import type { MarkReadTarget } from '../messaging/protocol-map';
import type { ItemPage } from '../snapshot/inbox-item';
import { saveMakingRoom } from '../snapshot/storage-failure';
import type { Action, Effect } from './background-actions';
import { reduce } from './background-reducer';
import { getSnapshot, getStateFromSnapshot, type BackgroundState } from './background-state';
import { AccountSession } from './account-session';
import { isSignInCookie } from './browser-event-rules';

interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface BackgroundCoreDeps {
  fetch: typeof fetch;
  /** The accounts in force, in the user's order (`loadAccountsInForce`); empty when none is set up. */
  loadAccounts(): Promise<AccountSettings[]>;
  /** The persisted snapshot, whatever shape storage holds: it is checked here. */
  loadSnapshot(): Promise<unknown>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** Frees `storage.local` for the snapshot (drops the oldest cached inbox list); false when nothing is left to drop. */
  makeStorageRoom?(): Promise<boolean>;
  /** Badge; called with every change, must be cheap when nothing visible changed. */
  render(snapshot: Snapshot, snooze: Snooze | null): Promise<void>;
  /** Pushes the snapshot to an open popup; a closed popup is normal. */
  publish(snapshot: Snapshot): void;
  notifications: {
    /** `named`: several accounts are set up, so the notification names its account. */
    add(notice: ArrivedNotice, account: AccountSettings, named: boolean): void;
    showSignIn(account: AccountSettings, named: boolean): void;
    /** Removes Beacon's notifications, when the user forgets every server. */
    clearAll(): void;
    /** Removes one account's notifications (removed, or its server or sign-in changed). */
    clearAccount(account: string): void;
  };
  /** Drops the cached inbox lists of accounts other than these (removed, or their key changed). */
  pruneInboxCache?(keep: ReadonlyArray<{ id: string; accountKey: string }>): Promise<void>;
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
  private state: BackgroundState = getStateFromSnapshot(getEmptySnapshot());
  private readonly sessions = new Map<string, AccountSession>();
  /** Aborted when newer settings arrive while these are still being applied. */
  private applying: AbortController | null = null;
  private persistTimer: unknown = null;
  private lastKeepAlive = -Infinity;
  private readonly clock: Clock;

  constructor(private readonly deps: BackgroundCoreDeps) {
    this.clock = deps.clock ?? realClock;
  }

  getSnapshot(): Snapshot {
    return structuredClone(getSnapshot(this.state));
  }

  /** An account's connection state, without copying the snapshot (for listeners that fire often). */
  getConnectionStatus(account: string): ConnectionInfo['status'] {
    return this.state.accounts[account]?.connection.status ?? 'unconfigured';
  }

  /** The settings an account runs with; an unknown id rejects with a clear error. */
  getAccountSettings(account: string): AccountSettings {
    return this.getSession(account).settings;
  }

  /** Worker start: show the persisted numbers at once, then connect and resync. */
  async start(): Promise<void> {
    this.dispatch({ type: 'started', snapshot: normalizeSnapshot(await this.deps.loadSnapshot()) });
    await this.applyAccounts(await this.deps.loadAccounts());
  }

  /**
   * The accounts in force (or the first load), in the user's order. An account whose server or sign-in changed
   * reconnects at once (from empty counts when its key changed); one no longer listed is closed and forgotten. An
   * account whose session fields are the same (preferences changed here or synced from another browser, its label or
   * app URL, or the same values written again) keeps its open stream: a reconnect would be churn, and an event in its
   * gap gets no notification. Each account has its own session: one never waits for another.
   */
  async applyAccounts(accounts: AccountSettings[]): Promise<void> {
    this.applying?.abort();
    const applying = (this.applying = new AbortController());
    const usable = accounts.filter((account) => getAccountKey(account) !== null);
    for (const [id, session] of this.sessions) {
      const next = usable.find((account) => account.id === id);
      if (next && isSameSession(session.settings, next)) {
        session.settings = next;
        continue;
      }
      session.close();
      this.sessions.delete(id);
    }
    this.dispatch({ type: 'accountsConfigured', accounts: usable });
    const opening = usable.filter((account) => !this.sessions.has(account.id));
    const permitted = await Promise.all(
      opening.map(async (account) => (await this.deps.hasHostPermission?.(account.serverUrl)) ?? true),
    );
    if (applying.signal.aborted) return; // newer settings arrived meanwhile
    opening.forEach((account, index) => this.open(account, permitted[index]!));
  }

  private open(settings: AccountSettings, permitted: boolean): void {
    const server = getBaseUrl(settings.serverUrl);
    if (!permitted) {
      this.deps.log.warn(`no host permission for ${server}`);
      const connection = { status: 'stopped', retryAt: null, reason: { code: 'no-permission' } } as const;
      return this.dispatch({ type: 'connectionChanged', account: settings.id, connection });
    }
    this.deps.log.info(`connecting to ${server} (sign-in: ${settings.authMethod})`);
    const session = new AccountSession(settings.id, settings, this.createSessionHost(), {
      fetch: this.deps.fetch,
      clock: this.clock,
      random: this.deps.random,
      isOnline: this.deps.isOnline,
    });
    this.sessions.set(settings.id, session);
    session.start();
  }

  setSnooze(snooze: Snooze | null): void {
    this.dispatch({ type: 'snoozeChanged', snooze });
  }

  /** "Retry now", or leaving a signed-out/stopped state: one account, or every one. */
  reconnect(account?: string): void {
    if (account !== undefined) return this.getSession(account).start();
    for (const session of this.sessions.values()) session.start();
  }

  /** The browser is online again, or the watchdog alarm fired: make sure every connection is running. */
  wake(): void {
    for (const session of this.sessions.values()) session.wake();
  }

  /**
   * A cookie changed: a signed-out account that signs in with the browser session tries again when the web app sets
   * a cookie for its server (browser-event-rules.ts).
   */
  onCookieChanged(change: { removed: boolean; cookieDomain: string }): void {
    for (const session of this.sessions.values()) {
      const status = this.state.accounts[session.id]?.connection.status;
      if (status && isSignInCookie(change, status, session.settings)) session.start();
    }
  }

  async markRead(account: string, target: MarkReadTarget): Promise<void> {
    await this.getSession(account).inbox.markRead(target);
  }

  /** The popup's inbox: one page of a category's items from the server (the token stays in the background). */
  async getItems(account: string, category: Category, page: number): Promise<ItemPage> {
    return this.getSession(account).inbox.getItemPage(category, page);
  }

  /** The popup's inbox: marks items read; the badge drops at once and comes back if the server refuses. */
  async markItemsRead(account: string, category: Category, ids: ItemId[]): Promise<void> {
    await this.getSession(account).inbox.markItemsRead(category, ids);
  }

  /** An error nothing caught (a bug): logged every time, and counted in diagnostics for bug reports. */
  recordUnhandledError(description: string): void {
    this.dispatch({ type: 'unhandledError', description });
  }

  /** An account's session; an id Beacon does not hold (removed meanwhile, or made up) rejects with a clear error. */
  private getSession(account: string): AccountSession {
    const session = this.sessions.get(account);
    if (session) return session;
    if (typeof account === 'string' && this.state.accounts[account]) {
      throw new Error("Beacon is not connected to this account's server");
    }
    throw new Error(`Beacon has no account with the id ${JSON.stringify(String(account).slice(0, 64))}`);
  }

  private createSessionHost() {
    return {
      dispatch: (action: Action) => this.dispatch(action),
      getAccount: (id: string) => this.state.accounts[id],
      onActivity: () => this.keepAlive(),
    };
  }

  /** The one way the state changes: the reducer's result is shown, then its effects are carried out. */
  private dispatch(action: Action): void {
    const { state, effects, persist } = reduce(this.state, action, this.clock.now());
    if (state !== this.state) {
      this.state = state;
      this.show(persist);
    }
    for (const effect of effects) this.run(effect);
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'announce': {
        const session = this.sessions.get(effect.account);
        return session && this.deps.notifications.add(effect.notice, session.settings, this.state.order.length > 1);
      }
      case 'showSignIn': {
        const session = this.sessions.get(effect.account);
        return session && this.deps.notifications.showSignIn(session.settings, this.state.order.length > 1);
      }
      case 'clearNotifications':
        return this.deps.notifications.clearAll();
      case 'forgetAccount':
        return this.forget(effect.account);
      case 'log':
        return this.deps.log[effect.level](effect.message);
      default:
        this.sessions.get(effect.account)?.handle(effect);
    }
  }

  /** An account removed or reset: its notifications go, and its cached lists once the state says who remains. */
  private forget(account: string): void {
    this.deps.notifications.clearAccount(account);
    const keep = this.state.order.map((id) => ({ id, accountKey: this.state.accounts[id]!.key }));
    void this.deps
      .pruneInboxCache?.(keep)
      .catch((error: unknown) => this.deps.log.warn(`inbox cache: ${describeError(error)}`));
  }

  private show(persist: boolean): void {
    const snapshot = getSnapshot(this.state);
    const rendered = this.deps.render(snapshot, this.state.snooze);
    void rendered.catch((error: unknown) => this.deps.log.error(`badge: ${describeError(error)}`));
    this.deps.publish(snapshot);
    if (!persist) return;
    this.persistTimer ??= this.clock.setTimeout(() => {
      this.persistTimer = null;
      void this.persist();
    }, this.deps.persistDelayMs ?? 200);
  }

  private keepAlive(): void {
    const now = this.clock.now();
    if (now - this.lastKeepAlive < KEEP_ALIVE_INTERVAL_MS) return;
    this.lastKeepAlive = now;
    this.deps.keepAlive();
  }

  /** Saves the snapshot; storage that is full gets room made (cached lists dropped), a failure goes to the reducer. */
  private async persist(): Promise<void> {
    const failure = await saveMakingRoom(
      () => this.deps.saveSnapshot(getSnapshot(this.state)),
      this.deps.makeStorageRoom ?? (async () => false),
      () => this.clock.now(),
    );
    if (failure) this.dispatch({ type: 'storageFailed', failure });
  }
}
