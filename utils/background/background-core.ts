/**
 * The background's core: owns the connection loop, the counts and the snapshot, and drives the badge, the OS
 * notifications and the popup through injected effects. The entrypoint only wires browser APIs to it.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { ApiError, createApiClient, type ApiClient, type CategoryResult } from '../connection/api-client';
import { canSeeCategory, getVisibleCategories, type Category } from '../protocol/categories';
import { createCoalescedRefetch } from './coalesced-refetch';
import { ConnectionLoop } from '../connection/connection-loop';
import { parseNoticeEvent, type NoticeEvent } from '../connection/notice-event';
import type { ArrivedNotice } from '../notifications/notification-plan';
import { getBaseUrl, getServerUrlProblem } from '../settings/server-url';
import type { Settings } from '../settings/settings';
import { getEmptySnapshot, type ConnectionInfo, type Notice, type Snapshot } from '../snapshot/snapshot';
import { describeError } from '../lib/errors';
import { realTimers, type Timers } from '../lib/clock';
import { openEventStream, type StreamEnd } from '../connection/sse-stream';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface BeaconServiceDeps {
  fetch: typeof fetch;
  loadSettings(): Promise<Settings>;
  loadSnapshot(): Promise<Snapshot>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
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
  timers?: Timers;
  now?: () => number;
  random?: () => number;
  /** Snapshot writes are coalesced over this many ms. */
  persistDelayMs?: number;
}

/** Events with created_at this much before the connection opened are replays (catch-up), not news. */
const CATCH_UP_SLACK_MS = 2000;
/** Without created_at, events this soon after a reconnect with Last-Event-ID are taken as replays. */
const REPLAY_WINDOW_MS = 1000;
const KEEP_ALIVE_INTERVAL_MS = 5000;
export const NO_PERMISSION_REASON =
  'Beacon has no permission to reach this server: open the settings and save to grant it';

export type MarkReadTarget = Category | 'all';

/** Identifies server + sign-in, without secrets: counts and event ids of one account never leak into another. */
export function getAccountKey(settings: Settings): string | null {
  if (getServerUrlProblem(settings.serverUrl) !== null) return null;
  const who = settings.authMethod === 'username' ? settings.username : '';
  return `${getBaseUrl(settings.serverUrl)}|${settings.authMethod}|${who}`;
}

export class BeaconService {
  private snapshot: Snapshot = getEmptySnapshot();
  private settings: Settings | null = null;
  private api: ApiClient | null = null;
  private loop: ConnectionLoop | null = null;
  /** Bumped whenever a count is set from an event, so an older refetch answer cannot overwrite it. */
  private countVersions = new Map<Category, number>();
  private latestByCategory = new Map<Category, Notice | null>();
  private readonly refetch: (category: Category) => Promise<void>;
  private openedAt = 0;
  private resumedWithId = false;
  private persistTimer: unknown = null;
  private lastKeepAlive = 0;
  private loggedProblems = new Set<string>();
  private settingsGeneration = 0;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly deps: BeaconServiceDeps) {
    this.timers = deps.timers ?? realTimers;
    this.now = deps.now ?? Date.now;
    this.refetch = createCoalescedRefetch<Category>((category) => this.fetchCategory(category), {
      timers: this.timers,
      now: this.now,
    });
  }

  getSnapshot(): Snapshot {
    return structuredClone(this.snapshot);
  }

  /** Worker start: show the persisted numbers at once, then connect and resync. */
  async start(): Promise<void> {
    this.snapshot = { ...getEmptySnapshot(), ...(await this.deps.loadSnapshot()) };
    this.snapshot.diagnostics = {
      ...getEmptySnapshot().diagnostics,
      ...this.snapshot.diagnostics,
      workerStartedAt: this.now(),
    };
    await this.applySettings(await this.deps.loadSettings());
  }

  /** New settings (or the first load): reconnect at once; a different account starts from empty counts. */
  async applySettings(settings: Settings): Promise<void> {
    const generation = ++this.settingsGeneration;
    this.loop?.stop();
    this.loop = null;
    this.api = null;
    this.settings = settings;
    const accountKey = getAccountKey(settings);
    if (accountKey !== this.snapshot.accountKey) {
      this.snapshot = { ...getEmptySnapshot(), accountKey, diagnostics: this.snapshot.diagnostics };
      this.countVersions.clear();
      this.latestByCategory.clear();
    }
    if (accountKey === null) {
      this.deps.notifications.clearAll();
      this.update({ connection: { status: 'unconfigured', retryAt: null, reason: null } });
      return;
    }
    if (settings.role !== 'auto') this.snapshot.role = settings.role;
    const permitted = (await this.deps.hasHostPermission?.(settings.serverUrl)) ?? true;
    if (generation !== this.settingsGeneration) return; // newer settings arrived meanwhile
    if (!permitted) {
      this.deps.log.warn(`no host permission for ${getBaseUrl(settings.serverUrl)}`);
      this.update({ connection: { status: 'stopped', retryAt: null, reason: NO_PERMISSION_REASON } });
      return;
    }
    this.deps.log.info(`connecting to ${getBaseUrl(settings.serverUrl)} (sign-in: ${settings.authMethod})`);
    this.api = createApiClient(
      getBaseUrl(settings.serverUrl),
      { method: settings.authMethod, token: settings.token, username: settings.username },
      this.deps.fetch,
    );
    this.loop = this.createLoop(this.api, this.snapshot.lastEventId);
    this.loop.start();
  }

  /** "Retry now", or leaving a signed-out/stopped state. */
  reconnect(): void {
    if (this.loop) this.loop.start();
  }

  /** The browser is online again, or the watchdog alarm fired: make sure a connection is running. */
  wake(): void {
    if (!this.loop) return;
    const { status } = this.snapshot.connection;
    if (status === 'signed-out' || status === 'stopped') return;
    if (this.loop.isRunning) this.loop.wake();
    else this.loop.start();
  }

  async markRead(target: MarkReadTarget): Promise<void> {
    const api = this.api;
    if (!api) throw new Error('Beacon is not connected to a server');
    const visible = getVisibleCategories(this.snapshot.role);
    const categories = target === 'all' ? visible.filter((category) => this.snapshot.counts[category] > 0) : [target];
    try {
      await Promise.all(categories.map((category) => api.markRead(category)));
    } catch (error) {
      if (error instanceof ApiError && error.isAuthError) this.signOut(error.message);
      throw error;
    }
    const counts = { ...this.snapshot.counts };
    for (const category of categories) {
      this.bumpVersion(category);
      counts[category] = 0;
    }
    this.update({ counts });
  }

  private createLoop(api: ApiClient, lastEventId: string | null): ConnectionLoop {
    const fetchFn = this.deps.fetch;
    return new ConnectionLoop(
      {
        open: (id, handlers, signal) => {
          this.resumedWithId = id !== null;
          return openEventStream(api.getStreamRequest(id), handlers, signal, fetchFn);
        },
        onStateChange: (state) => this.onConnectionState(state),
        onOpen: () => {
          this.openedAt = this.now();
          void this.syncAll(false);
        },
        onEvent: (event) => this.onStreamEvent(event),
        onOversizedEvent: (size) => this.countProblem('oversizedEvents', `dropped an event of ${size} characters`),
        onActivity: () => this.keepAlive(),
        onEnd: (end, delay) => this.onAttemptEnd(end, delay),
        isOnline: this.deps.isOnline,
        timers: this.timers,
        now: this.now,
        random: this.deps.random,
      },
      lastEventId,
    );
  }

  private onConnectionState(connection: ConnectionInfo): void {
    const previous = this.snapshot.connection.status;
    const lastError =
      connection.status === 'live' || connection.status === 'connecting' ? this.snapshot.lastError : connection.reason;
    this.update({ connection, lastError });
    if (connection.status === 'signed-out' && previous !== 'signed-out') this.deps.notifications.showSignIn();
  }

  private onAttemptEnd(end: StreamEnd, delay: number | null): void {
    if (end.type === 'aborted') return;
    const diagnostics = {
      ...this.snapshot.diagnostics,
      reconnects: this.snapshot.diagnostics.reconnects + (delay === null ? 0 : 1),
    };
    this.update({ diagnostics });
    const detail = end.type === 'http-error' ? `HTTP ${end.status}` : end.type;
    this.deps.log.warn(
      `stream ended (${detail})${delay === null ? '; waiting for new settings or a retry' : `; reconnecting in ${delay} ms`}`,
    );
  }

  private onStreamEvent(message: EventSourceMessage): void {
    const lastEventId = this.loop?.lastEventId ?? this.snapshot.lastEventId;
    const diagnostics = { ...this.snapshot.diagnostics, eventsReceived: this.snapshot.diagnostics.eventsReceived + 1 };
    // Folded into the event's own update below: one badge render per event, not two (the latency hot path).
    this.snapshot = { ...this.snapshot, lastEventId, diagnostics };
    if (message.event === 'resync') {
      this.update({});
      void this.syncAll(true);
      return;
    }
    if (message.event !== undefined && message.event !== 'message') return this.update({}); // [spec] other event types are not ours
    const parsed = parseNoticeEvent(message.data);
    if (!parsed.ok) {
      this.countProblem(
        parsed.problem === 'malformed' ? 'malformedEvents' : 'unknownTypes',
        `ignored an event: ${parsed.detail}`,
      );
      return;
    }
    this.applyNoticeEvent(parsed.event);
  }

  private applyNoticeEvent(event: NoticeEvent): void {
    const { category } = event;
    if (!canSeeCategory(category, this.snapshot.role)) return this.update({});
    const catchUp = this.isCatchUp(event.notice);
    if (event.unreadCount !== null) {
      this.bumpVersion(category);
      const update: Partial<Snapshot> = { counts: { ...this.snapshot.counts, [category]: event.unreadCount } };
      if (event.kind === 'notice' && event.notice) {
        this.latestByCategory.set(category, event.notice);
        if (category === 'system' || category === 'manager')
          update.latest = { ...this.snapshot.latest, [category]: event.notice };
      }
      this.update(update);
      if (event.kind === 'notice') this.announce(category, event.notice, catchUp);
      return;
    }
    // fetchCategory reports its own failures; here they only mean "no fresher item to show".
    this.update({});
    const refetched = this.refetch(category).catch(() => {});
    if (event.kind === 'notice') {
      if (event.notice) this.announce(category, event.notice, catchUp);
      // Legacy `{"notice_type": n}`: the notification shows the refetched latest item.
      else void refetched.then(() => this.announce(category, this.latestByCategory.get(category) ?? null, catchUp));
    }
  }

  private isCatchUp(notice: Notice | null): boolean {
    const created = notice?.createdAt ? Date.parse(notice.createdAt) : NaN;
    if (!Number.isNaN(created)) return created < this.openedAt - CATCH_UP_SLACK_MS;
    return this.resumedWithId && this.now() - this.openedAt < REPLAY_WINDOW_MS;
  }

  private announce(category: Category, notice: Notice | null, catchUp: boolean, count = 1): void {
    if (!this.settings) return;
    this.deps.notifications.add(
      {
        category,
        title: notice?.title ?? '',
        content: notice?.content ?? '',
        url: notice?.url ?? null,
        catchUp,
        ...(count > 1 ? { count } : {}),
      },
      this.settings,
    );
  }

  /** Refetches the role and every visible category in parallel; after a resync, missed news becomes one summary. */
  private async syncAll(afterResync: boolean): Promise<void> {
    const api = this.api;
    const settings = this.settings;
    if (!api || !settings) return;
    const before = { ...this.snapshot.counts };
    let role = settings.role === 'auto' ? this.snapshot.role : settings.role;
    if (settings.role === 'auto') {
      try {
        role = (await api.getMe()).role;
      } catch (error) {
        if (this.handleApiError(error, '/notification/me')) return;
      }
    }
    if (api !== this.api) return;
    if (role !== this.snapshot.role) {
      const counts = { ...this.snapshot.counts };
      if (!canSeeCategory('report_email', role)) counts.report_email = 0;
      this.update({ role, counts });
    }
    // All categories are applied in one update, so the badge never shows a half-synced total.
    const categories = getVisibleCategories(role);
    const versions = categories.map((category) => this.countVersions.get(category) ?? 0);
    let results: CategoryResult[];
    try {
      results = await Promise.all(categories.map((category) => api.getCategory(category)));
    } catch (error) {
      this.handleApiError(error, '/notification/{category}');
      return;
    }
    if (api !== this.api) return;
    this.applyCategoryResults(
      categories.map((category, index) => ({ category, version: versions[index]!, result: results[index]! })),
      { countsKnown: true },
    );
    if (afterResync) {
      for (const category of categories) {
        const missed = this.snapshot.counts[category] - before[category];
        if (missed > 0) this.announce(category, this.latestByCategory.get(category) ?? null, true, missed);
      }
    }
  }

  private async fetchCategory(category: Category): Promise<void> {
    const api = this.api;
    if (!api) return;
    const version = this.countVersions.get(category) ?? 0;
    try {
      const result = await api.getCategory(category);
      if (api === this.api) this.applyCategoryResults([{ category, version, result }]);
    } catch (error) {
      this.handleApiError(error, `/notification/${category}`);
      throw error;
    }
  }

  /** Applies fetched counts (and `extra`) in one update; a count set by an event after the fetch started wins. */
  private applyCategoryResults(
    entries: Array<{ category: Category; version: number; result: CategoryResult }>,
    extra: Partial<Snapshot> = {},
  ): void {
    const counts = { ...this.snapshot.counts };
    const latest = { ...this.snapshot.latest };
    for (const { category, version, result } of entries) {
      this.latestByCategory.set(category, result.latest);
      if ((this.countVersions.get(category) ?? 0) === version) counts[category] = result.unreadCount;
      if (category === 'system' || category === 'manager') latest[category] = result.latest;
    }
    this.update({ ...extra, counts, latest, lastSyncedAt: this.now() });
  }

  /** Logs once and shows the error; returns true when it signed Beacon out. */
  private handleApiError(error: unknown, what: string): boolean {
    if (error instanceof ApiError && error.isAuthError) {
      this.signOut(`${what}: ${error.message}`);
      return true;
    }
    const message = `${what}: ${describeError(error)}`;
    this.deps.log.warn(message);
    this.update({ lastError: message });
    return false;
  }

  private signOut(reason: string): void {
    this.loop?.stop();
    this.onConnectionState({ status: 'signed-out', retryAt: null, reason });
  }

  private countProblem(counter: 'malformedEvents' | 'unknownTypes' | 'oversizedEvents', message: string): void {
    const diagnostics = { ...this.snapshot.diagnostics, [counter]: this.snapshot.diagnostics[counter] + 1 };
    this.update({ diagnostics });
    // Logged once per kind per worker lifetime: a misbehaving server must not flood the console.
    if (!this.loggedProblems.has(counter)) {
      this.loggedProblems.add(counter);
      this.deps.log.warn(`${message} (further ones are only counted in diagnostics)`);
    }
  }

  /** An error nothing caught (a bug): logged every time, and counted in diagnostics for bug reports. */
  recordUnhandledError(description: string): void {
    this.deps.log.error(`unhandled: ${description}`);
    this.update({
      diagnostics: { ...this.snapshot.diagnostics, unhandledErrors: this.snapshot.diagnostics.unhandledErrors + 1 },
    });
  }

  private bumpVersion(category: Category): void {
    this.countVersions.set(category, (this.countVersions.get(category) ?? 0) + 1);
  }

  private keepAlive(): void {
    const now = this.now();
    if (now - this.lastKeepAlive < KEEP_ALIVE_INTERVAL_MS) return;
    this.lastKeepAlive = now;
    this.deps.keepAlive();
  }

  private update(change: Partial<Snapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    const snapshot = this.snapshot;
    void this.deps.render(snapshot).catch((error: unknown) => this.deps.log.error(`badge: ${describeError(error)}`));
    this.deps.publish(snapshot);
    this.persistTimer ??= this.timers.setTimeout(() => {
      this.persistTimer = null;
      void this.deps
        .saveSnapshot(this.snapshot)
        .catch((error: unknown) => this.deps.log.error(`saving snapshot: ${describeError(error)}`));
    }, this.deps.persistDelayMs ?? 200);
  }
}
