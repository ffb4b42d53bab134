/**
 * The reconnect loop around openEventStream: backoff with full jitter that never gives up, Retry-After, `retry:`,
 * a stall watchdog, and the states the badge and popup show (protocol §7.4). Timers, clock, randomness and the
 * stream itself are injected, so the whole state machine runs under fake timers in unit tests.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { realClock, type Clock } from '../lib/clock';
import { HEARTBEAT_LATE_MS, isLastEventIdHeader, STALL_TIMEOUT_MS } from '../protocol/wire';
import type { ConnectionInfo } from '../snapshot/snapshot';
import { BASE_DELAY_MS, getBackoffDelay, MAX_DELAY_MS } from './backoff';
import { getStreamEndReason, isSignInRefused, type ConnectionReason } from './connection-reason';
import { getRetryFieldDelay, parseRetryAfter } from './server-input';
import type { StreamEnd, StreamHandlers } from './sse-stream';

/** The abort reason of an attempt the stall watchdog ended (45 s without a byte: three missed heartbeats). */
const STALLED = 'stalled';
/**
 * While heartbeats are late, the owner checks the counts over REST; each check that succeeds keeps the stream (its
 * server is alive, the stream is probably held by a buffering proxy and may yet deliver), until this long without a
 * byte. A stream whose server does not answer either, or that went silent after bytes had flowed, stalls as usual.
 */
const BUFFERED_KEEP_MS = 5 * 60_000;
/** A connection must stay open this long before the backoff starts again from the first step. */
const STABLE_CONNECTION_MS = 5_000;
/**
 * While offline, how often to look at navigator.onLine. The `online` event wakes the loop where it is delivered, but
 * it is not delivered to every service worker (Chromium's network emulation never sends it): without this, a badge
 * could stay stale for a whole backoff step after the network is back.
 */
const ONLINE_POLL_MS = 1_000;

export interface ConnectionLoopDeps {
  /** Opens one stream with this Last-Event-ID; resolves when it ends. */
  open(lastEventId: string | null, handlers: StreamHandlers, signal: AbortSignal): Promise<StreamEnd>;
  /** The id to resume with: the loop's owner keeps it (it is part of the account's state). */
  getLastEventId(): string | null;
  onStateChange(state: ConnectionInfo): void;
  /** The stream is open; `resumed`: it was opened with a Last-Event-ID (the server may replay). */
  onOpen(resumed: boolean): void;
  onEvent(event: EventSourceMessage): void;
  onOversizedEvent(size: number): void;
  /** Bytes arrived: the background uses this to keep an MV3 worker alive. */
  onActivity(): void;
  /** Each attempt's end, for logs and diagnostics. */
  onEnd?(reason: ConnectionReason, nextDelayMs: number | null): void;
  /**
   * An attempt could not go out because of a header Beacon sends. The owner drops a refused Last-Event-ID (the loop
   * then reconnects at once without it); any other header means settings to fix (the loop stops).
   */
  onRequestRejected?(header: string): void;
  isOnline?(): boolean;
  clock?: Clock;
  random?: () => number;
}

export class ConnectionLoop {
  private attempt = 0;
  private baseDelayMs = BASE_DELAY_MS;
  private controller: AbortController | null = null;
  private retryTimer: unknown = null;
  /** The pending wait was asked for by the server (Retry-After): a wake-up must not cut it short. */
  private waitIsServerMandated = false;
  private stallTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private onlinePollTimer: unknown = null;
  /** Keeps the current attempt's stream while its heartbeats are late (see BUFFERED_KEEP_MS); null between attempts. */
  private keepCurrentStream: (() => void) | null = null;
  private running = false;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly deps: ConnectionLoopDeps) {
    this.clock = deps.clock ?? realClock;
    this.random = deps.random ?? Math.random;
  }

  /** Connects now (again), dropping any attempt or wait in progress. Also leaves a signed-out or stopped state. */
  start(): void {
    this.stop();
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.controller?.abort();
    this.controller = null;
    this.clearTimer('retryTimer');
    this.clearTimer('stallTimer');
    this.clearTimer('heartbeatTimer');
    this.clearTimer('onlinePollTimer');
  }

  /** The owner's REST check succeeded while heartbeats are late: the server is alive, keep waiting for the stream. */
  keepStream(): void {
    this.keepCurrentStream?.();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The browser came back online or the watchdog alarm fired: skip a pending wait. */
  wake(): void {
    if (this.running && this.retryTimer !== null && !this.waitIsServerMandated) {
      this.clearTimer('retryTimer');
      void this.connect();
    }
  }

  private async connect(): Promise<void> {
    this.clearTimer('onlinePollTimer');
    const controller = new AbortController();
    this.controller = controller;
    this.deps.onStateChange({ status: 'connecting', retryAt: null, reason: null });
    let openedAt: number | null = null;
    const armStallTimer = () => {
      this.clearTimer('stallTimer');
      this.stallTimer = this.clock.setTimeout(() => controller.abort(STALLED), STALL_TIMEOUT_MS);
    };
    armStallTimer();
    // Heartbeats late: the state says so (still live, or still connecting: Firefox's fetch answers only with the
    // first byte of the body, so a proxy that holds the body holds the headers too), and the owner checks the counts
    // over REST meanwhile.
    let late = false;
    let lastByteAt = this.clock.now();
    let bytesSinceOpen = 0;
    const report = (reason: ConnectionReason | null) =>
      this.deps.onStateChange({ status: openedAt === null ? 'connecting' : 'live', retryAt: null, reason });
    const armHeartbeatTimer = () => {
      this.clearTimer('heartbeatTimer');
      this.heartbeatTimer = this.clock.setTimeout(() => {
        late = true;
        report({ code: 'buffered', seconds: HEARTBEAT_LATE_MS / 1000 });
      }, HEARTBEAT_LATE_MS);
    };
    armHeartbeatTimer();
    // Only a stream that has not sent one byte since its headers looks buffered; one that went silent after bytes
    // flowed is dead (a dropped connection the server never saw close) and stalls as before.
    this.keepCurrentStream = () => {
      if (late && bytesSinceOpen === 0 && this.clock.now() - lastByteAt < BUFFERED_KEEP_MS) armStallTimer();
    };

    const lastEventId = this.deps.getLastEventId();
    const end = await this.deps.open(
      lastEventId,
      {
        onOpen: () => {
          openedAt = this.clock.now();
          late = false;
          report(null);
          armHeartbeatTimer();
          this.deps.onOpen(lastEventId !== null);
        },
        onEvent: (event) => this.deps.onEvent(event),
        onOversizedEvent: (size) => this.deps.onOversizedEvent(size),
        onRetry: (ms) => {
          // [spec] `retry:` sets the reconnection time; clamped so a server cannot make us hammer or vanish.
          this.baseDelayMs = getRetryFieldDelay(ms) ?? this.baseDelayMs;
        },
        onActivity: () => {
          lastByteAt = this.clock.now();
          if (openedAt !== null) bytesSinceOpen++;
          armStallTimer();
          armHeartbeatTimer();
          if (late) {
            late = false;
            report(null);
          }
          this.deps.onActivity();
        },
      },
      controller.signal,
    );
    this.clearTimer('stallTimer');
    this.clearTimer('heartbeatTimer');
    if (this.controller === controller) this.keepCurrentStream = null;
    const stalled = controller.signal.reason === STALLED;
    if (controller.signal.aborted && !stalled) return; // stopped or restarted meanwhile

    if (openedAt !== null && this.clock.now() - openedAt >= STABLE_CONNECTION_MS) this.attempt = 0;
    if (stalled) this.scheduleRetry({ code: 'stalled', seconds: STALL_TIMEOUT_MS / 1000 }, this.nextBackoff());
    else this.handleEnd(end);
  }

  private handleEnd(end: StreamEnd): void {
    const reason = getStreamEndReason(end);
    if (reason === null) return;
    const halt = (status: ConnectionInfo['status']) => {
      this.running = false;
      this.deps.onEnd?.(reason, null);
      this.deps.onStateChange({ status, retryAt: null, reason });
    };
    switch (end.type) {
      case 'request-rejected':
        return this.handleRejectedRequest(end.header, reason);
      case 'no-content':
      case 'bad-content-type':
        return halt('stopped');
      case 'redirected':
        // Not followed (server-fetch.ts): an error the user can see, retried with the backoff, since a redirect is
        // often passing (a maintenance page, a proxy being set up).
        return this.scheduleRetry(reason, this.nextBackoff(), 'error');
      case 'http-error':
        if (isSignInRefused(reason)) return halt('signed-out');
        return this.scheduleRetry(reason, this.getDelayFor(end), end.status === 429 ? 'reconnecting' : 'error');
      default:
        return this.scheduleRetry(reason, this.nextBackoff());
    }
  }

  /**
   * Self-healing: a Last-Event-ID fetch refuses is dropped and the stream reopened at once without it (a connection
   * without an id gets no replay, and the open refetches every count: a resync). Any other header Beacon sends comes
   * from the settings: wait for the user to fix them rather than fail the same way forever.
   */
  private handleRejectedRequest(header: string, reason: ConnectionReason): void {
    const retryWithoutId = isLastEventIdHeader(header) && this.deps.getLastEventId() !== null;
    this.deps.onRequestRejected?.(header);
    if (retryWithoutId) {
      void this.connect();
      return;
    }
    this.running = false;
    this.deps.onEnd?.(reason, null);
    this.deps.onStateChange({ status: 'stopped', retryAt: null, reason });
  }

  private getDelayFor(end: Extract<StreamEnd, { type: 'http-error' }>): { delayMs: number; mandated: boolean } {
    // 400/404 will not fix themselves quickly: wait the longest step, but keep trying (settings may be fixed).
    if (end.status === 400 || end.status === 404) {
      this.attempt++;
      return { delayMs: MAX_DELAY_MS, mandated: false };
    }
    const backoff = this.nextBackoff().delayMs;
    const retryAfter =
      end.status === 429 || end.status === 503 ? parseRetryAfter(end.retryAfter, this.clock.now()) : null;
    if (retryAfter === null || retryAfter <= 0) return { delayMs: backoff, mandated: false };
    return { delayMs: Math.max(retryAfter, backoff), mandated: true };
  }

  private nextBackoff(): { delayMs: number; mandated: false } {
    return { delayMs: getBackoffDelay(this.attempt++, this.random, this.baseDelayMs, MAX_DELAY_MS), mandated: false };
  }

  /** `mandated`: the server asked for this wait (Retry-After), so a wake-up must not cut it short. */
  private scheduleRetry(
    reason: ConnectionReason,
    { delayMs, mandated }: { delayMs: number; mandated: boolean },
    status: ConnectionInfo['status'] = 'reconnecting',
  ): void {
    this.waitIsServerMandated = mandated;
    this.deps.onEnd?.(reason, delayMs);
    const offline = this.deps.isOnline?.() === false;
    const retryAt = this.clock.now() + delayMs;
    this.deps.onStateChange({
      status: offline ? 'offline' : status,
      retryAt,
      reason: offline ? { code: 'offline' } : reason,
    });
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delayMs);
    if (offline) this.pollForOnline();
  }

  private pollForOnline(): void {
    this.onlinePollTimer = this.clock.setTimeout(() => {
      this.onlinePollTimer = null;
      if (this.deps.isOnline?.() === false) this.pollForOnline();
      else this.wake();
    }, ONLINE_POLL_MS);
  }

  private clearTimer(name: 'retryTimer' | 'stallTimer' | 'heartbeatTimer' | 'onlinePollTimer'): void {
    if (this[name] !== null) {
      this.clock.clearTimeout(this[name]);
      this[name] = null;
    }
  }
}
