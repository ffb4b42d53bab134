/**
 * One account's connection: its API client, reconnect loop, refetch coalescer and sync retry, from the settings that
 * opened it until they change. It keeps no state of its own: it reports what happens as actions (the reducer keeps
 * the account's numbers, ids and versions) and carries out the effects the reducer asks of it. Everything it starts
 * stops with one AbortController (`close()`), so an answer that arrives for an old session is dropped, never applied.
 */
import { createApiClientForSettings, getFailureReason, type ApiClient } from '../connection/api-client';
import { ConnectionLoop } from '../connection/connection-loop';
import { openEventStream } from '../connection/sse-stream';
import type { Clock } from '../lib/clock';
import { getVisibleCategories, type Category } from '../protocol/categories';
import { LATE_STREAM_CHECK_MS } from '../protocol/wire';
import type { AccountSettings } from '../settings/accounts';
import type { AccountAction, Effect, SessionAction } from './background-actions';
import type { AccountState } from './background-state';
import { createCoalescedRefetch } from './coalesced-refetch';
import { createInbox, type Inbox } from './inbox';
import { SyncRetry } from './sync-retry';

/** What a session needs from the core that owns the state. */
export interface SessionHost {
  dispatch(action: AccountAction): void;
  getAccount(id: string): AccountState | undefined;
  /** Bytes arrived on the stream. */
  onActivity(): void;
}

export interface SessionEffects {
  fetch: typeof fetch;
  clock: Clock;
  random?: () => number;
  isOnline?(): boolean;
}

/** The effects a session carries out. */
export type SessionEffect = Extract<Effect, { type: 'refetch' | 'sync' | 'retrySync' | 'stopConnection' }>;

/** Count requests' place in time, over the worker's life (a wall clock may go back; this never does). */
let requestOrder = 0;

export class AccountSession {
  private readonly controller = new AbortController();
  private readonly api: ApiClient;
  private readonly loop: ConnectionLoop;
  private readonly refetch: (category: Category) => Promise<void>;
  private readonly syncRetry: SyncRetry;
  /** While the stream's heartbeats are late: the REST checks of the counts (their next timer); null otherwise. */
  private lateChecks: { timer: unknown } | null = null;
  private readonly clock: Clock;
  /** The popup's inbox (inbox.ts): pages of items, and marking categories or items read. */
  readonly inbox: Inbox;

  constructor(
    /** The account's id: every action it sends names it. */
    readonly id: string,
    /** Replaced when settings that keep this session change (preferences): the next notice is announced with them. */
    public settings: AccountSettings,
    private readonly host: SessionHost,
    effects: SessionEffects,
  ) {
    const { clock } = effects;
    this.clock = clock;
    const signal = this.controller.signal;
    this.api = createApiClientForSettings(settings, effects.fetch, clock);
    // Not while reconnecting: every new connection syncs anyway.
    this.syncRetry = new SyncRetry(clock, effects.random ?? Math.random, () => {
      if (this.account?.connection.status === 'live') void this.syncAll(false);
    });
    this.refetch = createCoalescedRefetch<Category>((category) => this.fetchCategory(category), { clock });
    const dispatch = (action: SessionAction) => this.dispatch(action);
    this.inbox = createInbox({
      api: this.api,
      signal,
      dispatch,
      getAccount: () => this.account,
      refetch: this.refetch,
    });
    this.loop = new ConnectionLoop({
      // Comments (heartbeats) go straight to the reducer, for the diagnostics; the loop needs only the bytes.
      open: (id, handlers, attempt) =>
        openEventStream(
          this.api.getStreamRequest(id),
          { ...handlers, onComment: () => dispatch({ type: 'heartbeat' }) },
          attempt,
          effects.fetch,
        ),
      getLastEventId: () => this.account?.lastEventId ?? null,
      onStateChange: (connection) => {
        dispatch({ type: 'connectionChanged', connection });
        this.checkWhileLate(connection.reason?.code === 'buffered');
      },
      onOpen: (resumed) => dispatch({ type: 'streamOpened', resumed }),
      onEvent: (message) => dispatch({ type: 'streamMessage', message }),
      onOversizedEvent: (size) => dispatch({ type: 'oversizedEvent', size }),
      onActivity: () => host.onActivity(),
      onEnd: (reason, retryInMs) => dispatch({ type: 'attemptEnded', reason, retryInMs }),
      onRequestRejected: (header) => dispatch({ type: 'requestRefused', header }),
      isOnline: effects.isOnline,
      clock,
      random: effects.random,
    });
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private get account(): AccountState | undefined {
    return this.host.getAccount(this.id);
  }

  /** Connects now; also leaves a signed-out or stopped state ("Retry now"). */
  start(): void {
    if (!this.signal.aborted) this.loop.start();
  }

  /** The browser is online again, or the watchdog alarm fired: make sure a connection is running. */
  wake(): void {
    const status = this.account?.connection.status;
    if (this.signal.aborted || status === 'signed-out' || status === 'stopped') return;
    if (this.loop.isRunning) this.loop.wake();
    else this.loop.start();
  }

  close(): void {
    this.checkWhileLate(false);
    this.controller.abort();
    this.loop.stop();
    this.syncRetry.cancel();
  }

  /** Carries out what the reducer asked of this account. */
  handle(effect: SessionEffect): void {
    switch (effect.type) {
      case 'sync':
        return void this.syncAll(effect.afterResync);
      case 'retrySync':
        return this.syncRetry.schedule();
      case 'stopConnection':
        this.checkWhileLate(false);
        return this.loop.stop();
      case 'refetch': {
        const { category, announceAfter } = effect;
        // fetchCategory reports its own failures; here they only mean "no fresher item to show".
        const refetched = this.refetch(category).catch(() => {});
        if (announceAfter) {
          void refetched.then(() => this.dispatch({ type: 'refetchedForNotice', category, ...announceAfter }));
        }
      }
    }
  }

  /**
   * A live stream whose heartbeats are late may be held by a buffering proxy: its events would reach the badge only
   * when the proxy lets them through. Meanwhile the counts are checked over REST (through the refetch limiter), at
   * once and then every LATE_STREAM_CHECK_MS; each check the server answers keeps the stream, which may yet deliver.
   */
  private checkWhileLate(late: boolean): void {
    const checking = this.lateChecks !== null;
    if (late === checking || this.signal.aborted) return;
    if (this.lateChecks) this.clock.clearTimeout(this.lateChecks.timer);
    if (!late) {
      this.lateChecks = null;
      return;
    }
    const checks = { timer: null as unknown };
    const check = async (): Promise<void> => {
      // A stream held before its headers never opened, so it never synced: the check is the sync an open makes.
      const answered =
        this.account?.connection.status === 'connecting'
          ? await this.syncAll(false)
          : await Promise.all(getVisibleCategories(this.account?.role ?? null).map(this.refetch)).then(
              () => true,
              () => false,
            );
      if (this.lateChecks !== checks) return; // the heartbeats came back, or the session closed
      if (answered) this.loop.keepStream();
      checks.timer = this.clock.setTimeout(() => void check(), LATE_STREAM_CHECK_MS);
    };
    this.lateChecks = checks;
    void check();
  }

  /** Actions of a closed session are dropped: its answers belong to settings no longer in force. */
  private dispatch(action: SessionAction): void {
    if (!this.signal.aborted) this.host.dispatch({ ...action, account: this.id });
  }

  /**
   * Refetches the role and every visible category; after a resync, the reducer sums up what was missed. True when
   * every count came.
   */
  private async syncAll(afterResync: boolean): Promise<boolean> {
    this.syncRetry.cancel();
    const before = afterResync ? this.account?.counts : undefined;
    if (this.settings.role === 'auto') {
      try {
        this.dispatch({ type: 'roleFetched', role: (await this.api.getMe(this.signal)).role });
      } catch (error) {
        this.dispatch({ type: 'requestFailed', reason: getFailureReason(error), retry: false });
      }
    }
    const account = this.account;
    if (this.signal.aborted || !account || account.connection.status === 'signed-out') return false;
    const categories = getVisibleCategories(account.role);
    const versions = categories.map((category) => account.countVersions[category]);
    const order = ++requestOrder;
    // Settled one by one: a category whose request fails (or times out) must not hold back the others' counts.
    const results = await Promise.allSettled(
      categories.map((category) => this.api.getCategorySummary(category, this.signal)),
    );
    const counts = categories.flatMap((category, index) => {
      const result = results[index]!;
      return result.status === 'fulfilled' ? [{ category, version: versions[index]!, order, ...result.value }] : [];
    });
    const failure = results.find((result) => result.status === 'rejected');
    this.dispatch({ type: 'countsFetched', counts, complete: !failure, before });
    if (failure) this.dispatch({ type: 'requestFailed', reason: getFailureReason(failure.reason), retry: true });
    else this.syncRetry.succeeded();
    return !failure;
  }

  private async fetchCategory(category: Category): Promise<void> {
    const version = this.account?.countVersions[category] ?? 0;
    const order = ++requestOrder;
    try {
      const summary = await this.api.getCategorySummary(category, this.signal);
      this.dispatch({ type: 'countsFetched', counts: [{ category, version, order, ...summary }], complete: false });
    } catch (error) {
      this.dispatch({ type: 'requestFailed', reason: getFailureReason(error), retry: true });
      throw error;
    }
  }
}
