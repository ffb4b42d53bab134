/**
 * One account's connection: its API client, reconnect loop, refetch coalescer and count versions, from the settings
 * that opened it until they change. Everything it starts stops with one AbortController (`close()`), so an answer
 * that arrives for an old account is dropped, never applied.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { ApiError, createApiClientForSettings, type ApiClient, type CategorySummary } from '../connection/api-client';
import { ConnectionLoop } from '../connection/connection-loop';
import { getReasonTag, type ConnectionReason } from '../connection/connection-reason';
import { parseNoticeEvent } from '../connection/notice-event';
import { openEventStream } from '../connection/sse-stream';
import type { Clock } from '../lib/clock';
import { canSeeCategory, getVisibleCategories, type Category } from '../protocol/categories';
import { MESSAGE_EVENT, RESYNC_EVENT } from '../protocol/wire';
import type { Settings } from '../settings/settings';
import type { ConnectionInfo, Diagnostics, Notice, Snapshot } from '../snapshot/snapshot';
import { createCoalescedRefetch } from './coalesced-refetch';
import { createInbox, type Inbox } from './inbox';
import { SyncRetry } from './sync-retry';
import {
  applyFetchedCategories,
  applyNoticeEvent,
  getMissedCounts,
  isCatchUp,
  type EventEffect,
} from './snapshot-events';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Diagnostics counters of input Beacon dropped. */
export type IgnoredCounter = keyof Pick<
  Diagnostics,
  'malformedEvents' | 'unknownTypes' | 'oversizedEvents' | 'rejectedEventIds' | 'rejectedRequests' | 'refusedItems'
>;

/** What a session needs from the background core that owns the snapshot. */
export interface SessionHost {
  getSnapshot(): Snapshot;
  update(change: Partial<Snapshot>): void;
  setConnection(connection: ConnectionInfo): void;
  announce(category: Category, notice: Notice | null, catchUp: boolean, count?: number): void;
  countIgnored(counter: IgnoredCounter, message: string, amount?: number): void;
  /** Bytes arrived on the stream. */
  onActivity(): void;
  log: Logger;
}

export interface SessionEffects {
  fetch: typeof fetch;
  clock: Clock;
  random?: () => number;
  isOnline?(): boolean;
}

export class AccountSession {
  private readonly controller = new AbortController();
  private readonly api: ApiClient;
  private readonly loop: ConnectionLoop;
  /** Bumped whenever an event sets a count, so an older refetch answer cannot overwrite it. */
  private readonly countVersions = new Map<Category, number>();
  private readonly latestByCategory = new Map<Category, Notice | null>();
  private readonly refetch: (category: Category) => Promise<void>;
  /** The popup's inbox (inbox.ts): pages of items, and marking categories or items read. */
  readonly inbox: Inbox;
  private openedAt = 0;
  private resumed = false;
  private readonly syncRetry: SyncRetry;

  constructor(
    private readonly settings: Settings,
    lastEventId: string | null,
    private readonly host: SessionHost,
    private readonly effects: SessionEffects,
  ) {
    const { clock } = effects;
    this.api = createApiClientForSettings(settings, effects.fetch, clock);
    // Not while reconnecting: every new connection syncs anyway.
    this.syncRetry = new SyncRetry(clock, effects.random ?? Math.random, () => {
      if (!this.signal.aborted && this.host.getSnapshot().connection.status === 'live') void this.syncAll(false);
    });
    this.refetch = createCoalescedRefetch<Category>((category) => this.fetchCategory(category), { clock });
    this.inbox = createInbox({
      api: this.api,
      signal: this.signal,
      host,
      bumpVersion: (category) => this.bumpVersion(category),
      refetch: (category) => this.refetch(category),
      signOut: (reason) => this.signOut(reason),
      countRefusedItems: (count) =>
        host.countIgnored('refusedItems', `dropped ${count} item(s) without a usable id`, count),
    });
    this.loop = new ConnectionLoop(
      {
        open: (id, handlers, signal) => {
          this.resumed = id !== null;
          return openEventStream(this.api.getStreamRequest(id), handlers, signal, effects.fetch);
        },
        onStateChange: (state) => this.host.setConnection(state),
        onOpen: () => {
          this.openedAt = clock.now();
          void this.syncAll(false);
        },
        onEvent: (event) => this.onStreamEvent(event),
        onOversizedEvent: (size) => host.countIgnored('oversizedEvents', `dropped an event of ${size} characters`),
        onActivity: () => host.onActivity(),
        onEnd: (reason, delay) => this.onAttemptEnd(reason, delay),
        onRejectedEventId: (problem, length) =>
          host.countIgnored('rejectedEventIds', `ignored an event id (${problem}, ${length} characters)`),
        onRequestRejected: (header) =>
          host.countIgnored('rejectedRequests', `a ${header} header could not be sent; dropped it, resyncing`),
        isOnline: effects.isOnline,
        clock,
        random: effects.random,
      },
      lastEventId,
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Connects now; also leaves a signed-out or stopped state ("Retry now"). */
  start(): void {
    if (!this.signal.aborted) this.loop.start();
  }

  /** The browser is online again, or the watchdog alarm fired: make sure a connection is running. */
  wake(): void {
    const { status } = this.host.getSnapshot().connection;
    if (this.signal.aborted || status === 'signed-out' || status === 'stopped') return;
    if (this.loop.isRunning) this.loop.wake();
    else this.loop.start();
  }

  close(): void {
    this.controller.abort();
    this.loop.stop();
    this.syncRetry.cancel();
  }

  private onAttemptEnd(reason: ConnectionReason, delay: number | null): void {
    const { diagnostics } = this.host.getSnapshot();
    this.host.update({
      diagnostics: { ...diagnostics, reconnects: diagnostics.reconnects + (delay === null ? 0 : 1) },
    });
    const next = delay === null ? 'waiting for new settings or a retry' : `reconnecting in ${delay} ms`;
    this.host.log.warn(`stream ended (${getReasonTag(reason)}); ${next}`);
  }

  private onStreamEvent(message: EventSourceMessage): void {
    const snapshot = this.host.getSnapshot();
    const diagnostics = { ...snapshot.diagnostics, eventsReceived: snapshot.diagnostics.eventsReceived + 1 };
    const seen = { lastEventId: this.loop.lastEventId ?? snapshot.lastEventId, diagnostics };
    if (message.event === RESYNC_EVENT) {
      this.host.update(seen);
      void this.syncAll(true);
      return;
    }
    // [spec] other event types are not ours.
    if (message.event !== undefined && message.event !== MESSAGE_EVENT) return this.host.update(seen);
    const parsed = parseNoticeEvent(message.data);
    if (!parsed.ok) {
      this.host.update(seen);
      const counter = parsed.problem === 'malformed' ? 'malformedEvents' : 'unknownTypes';
      return this.host.countIgnored(counter, `ignored an event: ${parsed.detail}`);
    }
    const timing = { openedAt: this.openedAt, now: this.effects.clock.now(), resumed: this.resumed };
    const outcome = applyNoticeEvent(snapshot, parsed.event, isCatchUp(parsed.event.notice, timing));
    if (outcome.countSet) this.bumpVersion(parsed.event.category);
    if (outcome.latest) this.latestByCategory.set(parsed.event.category, outcome.latest);
    // One update per event, diagnostics included: one badge render per event (the latency hot path).
    this.host.update({ ...seen, ...outcome.change });
    // After the update above, which carries the diagnostics read before it (rare: a second render is fine).
    if (parsed.event.refusedItem) this.host.countIgnored('refusedItems', 'dropped the notice of an event: unusable id');
    for (const effect of outcome.effects) this.run(effect);
  }

  private run(effect: EventEffect): void {
    if (effect.type === 'announce') return this.host.announce(effect.category, effect.notice, effect.catchUp);
    const { category, announceAfter } = effect;
    // fetchCategory reports its own failures; here they only mean "no fresher item to show".
    const refetched = this.refetch(category).catch(() => {});
    if (announceAfter) {
      void refetched.then(() => {
        if (!this.signal.aborted) {
          this.host.announce(category, this.latestByCategory.get(category) ?? null, announceAfter.catchUp);
        }
      });
    }
  }

  /** Refetches the role and every visible category; after a resync, missed news becomes one summary. */
  private async syncAll(afterResync: boolean): Promise<void> {
    this.syncRetry.cancel();
    const before = { ...this.host.getSnapshot().counts };
    let role = this.settings.role === 'auto' ? this.host.getSnapshot().role : this.settings.role;
    if (this.settings.role === 'auto') {
      try {
        role = (await this.api.getMe(this.signal)).role;
      } catch (error) {
        if (this.handleApiError(error)) return;
      }
    }
    if (this.signal.aborted) return;
    const current = this.host.getSnapshot();
    if (role !== current.role) {
      const counts = { ...current.counts };
      if (!canSeeCategory('report_email', role)) counts.report_email = 0;
      this.host.update({ role, counts });
    }
    const categories = getVisibleCategories(role);
    const versions = categories.map((category) => this.countVersions.get(category) ?? 0);
    // Settled one by one: a category whose request fails (or times out) must not hold back the others' counts.
    const results = await Promise.allSettled(
      categories.map((category) => this.api.getCategorySummary(category, this.signal)),
    );
    if (this.signal.aborted) return;
    const fetched = categories.flatMap((category, index) => {
      const result = results[index]!;
      return result.status === 'fulfilled' ? [{ category, version: versions[index]!, ...result.value }] : [];
    });
    const failure = results.find((result) => result.status === 'rejected');
    this.applyFetched(fetched, failure ? {} : { countsKnown: true });
    if (failure) {
      if (!this.handleApiError(failure.reason)) this.syncRetry.schedule();
      return;
    }
    this.syncRetry.succeeded();
    if (!afterResync) return;
    for (const { category, missed } of getMissedCounts(before, this.host.getSnapshot().counts, categories)) {
      this.host.announce(category, this.latestByCategory.get(category) ?? null, true, missed);
    }
  }

  private async fetchCategory(category: Category): Promise<void> {
    const version = this.countVersions.get(category) ?? 0;
    try {
      const result = await this.api.getCategorySummary(category, this.signal);
      if (!this.signal.aborted) this.applyFetched([{ category, version, ...result }]);
    } catch (error) {
      if (!this.handleApiError(error)) this.syncRetry.schedule();
      throw error;
    }
  }

  private applyFetched(
    entries: Array<{ category: Category; version: number } & CategorySummary>,
    extra: Partial<Snapshot> = {},
  ): void {
    const fetched = entries.map(({ category, version, unreadCount, latest }) => {
      this.latestByCategory.set(category, latest);
      return { category, unreadCount, latest, fresh: (this.countVersions.get(category) ?? 0) === version };
    });
    const change = applyFetchedCategories(this.host.getSnapshot(), fetched, this.effects.clock.now());
    this.host.update({ ...extra, ...change });
  }

  /** Logs once and shows the error; returns true when it signed Beacon out. Nothing for a closed session. */
  private handleApiError(error: unknown): boolean {
    if (this.signal.aborted) return true;
    const reason: ConnectionReason =
      error instanceof ApiError ? error.reason : { code: 'network', detail: String(error) };
    if (error instanceof ApiError && error.isAuthError) {
      this.signOut(reason);
      return true;
    }
    this.host.log.warn(`request failed (${getReasonTag(reason)})`);
    this.host.update({ lastError: reason });
    return false;
  }

  private signOut(reason: ConnectionReason): void {
    this.loop.stop();
    this.host.setConnection({ status: 'signed-out', retryAt: null, reason });
  }

  private bumpVersion(category: Category): void {
    this.countVersions.set(category, (this.countVersions.get(category) ?? 0) + 1);
  }
}
