/**
 * The reconnect loop around openEventStream: backoff with full jitter that never gives up, Retry-After, `retry:`,
 * a stall watchdog, and the states the badge and popup show (protocol §7.4). Timers, clock, randomness and the
 * stream itself are injected, so the whole state machine runs under fake timers in unit tests.
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { BASE_DELAY_MS, getBackoffDelay, MAX_DELAY_MS, parseRetryAfter } from './backoff';
import type { ConnectionInfo } from '../snapshot/snapshot';
import type { StreamEnd, StreamHandlers } from './sse-stream';
import { realTimers, type Timers } from '../lib/clock';

/** 45 s without a byte (three missed 15 s heartbeats) is a dead connection. */
export const STALL_TIMEOUT_MS = 45_000;
/** A connection must stay open this long before the backoff starts again from the first step. */
export const STABLE_CONNECTION_MS = 5_000;
/**
 * While offline, how often to look at navigator.onLine. The `online` event wakes the loop where it is delivered, but
 * it is not delivered to every service worker (Chromium's network emulation never sends it): without this, a badge
 * could stay stale for a whole backoff step after the network is back.
 */
export const ONLINE_POLL_MS = 1_000;

export interface ConnectionLoopDeps {
  /** Opens one stream with this Last-Event-ID; resolves when it ends. */
  open(lastEventId: string | null, handlers: StreamHandlers, signal: AbortSignal): Promise<StreamEnd>;
  onStateChange(state: ConnectionInfo): void;
  onOpen(): void;
  onEvent(event: EventSourceMessage): void;
  onOversizedEvent(size: number): void;
  /** Bytes arrived: the background uses this to keep an MV3 worker alive. */
  onActivity(): void;
  /** Each attempt's end, for logs and diagnostics. */
  onEnd?(end: StreamEnd, nextDelayMs: number | null): void;
  isOnline?(): boolean;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
}

const HALTING_STATUSES = new Set([401, 403]);

export class ConnectionLoop {
  private attempt = 0;
  private baseDelayMs = BASE_DELAY_MS;
  private controller: AbortController | null = null;
  private retryTimer: unknown = null;
  /** The pending wait was asked for by the server (Retry-After): a wake-up must not cut it short. */
  private waitIsServerMandated = false;
  private stallTimer: unknown = null;
  private onlinePollTimer: unknown = null;
  private running = false;
  private generation = 0;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly random: () => number;
  lastEventId: string | null;

  constructor(
    private readonly deps: ConnectionLoopDeps,
    lastEventId: string | null = null,
  ) {
    this.timers = deps.timers ?? realTimers;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.lastEventId = lastEventId;
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
    this.generation++;
    this.controller?.abort();
    this.controller = null;
    this.clearTimer('retryTimer');
    this.clearTimer('stallTimer');
    this.clearTimer('onlinePollTimer');
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
    const generation = this.generation;
    const controller = new AbortController();
    this.controller = controller;
    this.deps.onStateChange({ status: 'connecting', retryAt: null, reason: null });
    let openedAt: number | null = null;
    let stalled = false;
    const armStallTimer = () => {
      this.clearTimer('stallTimer');
      this.stallTimer = this.timers.setTimeout(() => {
        stalled = true;
        controller.abort();
      }, STALL_TIMEOUT_MS);
    };
    armStallTimer();

    const end = await this.deps.open(
      this.lastEventId,
      {
        onOpen: () => {
          openedAt = this.now();
          this.deps.onStateChange({ status: 'live', retryAt: null, reason: null });
          this.deps.onOpen();
        },
        onEvent: (event) => {
          // [spec] the last event ID is set from any dispatched event that carried an `id:`.
          if (event.id !== undefined) this.lastEventId = event.id;
          this.deps.onEvent(event);
        },
        onOversizedEvent: (size) => this.deps.onOversizedEvent(size),
        onRetry: (ms) => {
          // [spec] `retry:` sets the reconnection time; clamped so a server cannot make us hammer or vanish.
          this.baseDelayMs = Math.min(Math.max(ms, 500), MAX_DELAY_MS);
        },
        onActivity: () => {
          armStallTimer();
          this.deps.onActivity();
        },
      },
      controller.signal,
    );
    this.clearTimer('stallTimer');
    if (generation !== this.generation) return; // stopped or restarted meanwhile

    const result: StreamEnd = stalled ? { type: 'network-error', message: 'no data for 45 s' } : end;
    if (openedAt !== null && this.now() - openedAt >= STABLE_CONNECTION_MS) this.attempt = 0;
    this.handleEnd(result);
  }

  private handleEnd(end: StreamEnd): void {
    this.waitIsServerMandated = false;
    const halt = (status: ConnectionInfo['status'], reason: string) => {
      this.running = false;
      this.deps.onEnd?.(end, null);
      this.deps.onStateChange({ status, retryAt: null, reason });
    };
    switch (end.type) {
      case 'aborted':
        return;
      case 'no-content':
        return halt('stopped', 'the server asked Beacon to stop (HTTP 204)');
      case 'bad-content-type':
        return halt('stopped', `not an event stream (Content-Type: ${end.contentType || 'none'})`);
      case 'http-error':
        if (HALTING_STATUSES.has(end.status)) return halt('signed-out', `HTTP ${end.status}: ${end.message}`);
        return this.scheduleRetry(
          end,
          this.getDelayFor(end),
          end.status === 429 ? 'reconnecting' : 'error',
          `HTTP ${end.status}: ${end.message}`,
        );
      case 'closed':
        return this.scheduleRetry(end, this.nextBackoff(), 'reconnecting', 'the server closed the stream');
      case 'network-error':
      case 'protocol-error':
        return this.scheduleRetry(end, this.nextBackoff(), 'reconnecting', end.message);
    }
  }

  private getDelayFor(end: Extract<StreamEnd, { type: 'http-error' }>): number {
    // 400/404 will not fix themselves quickly: wait the longest step, but keep trying (settings may be fixed).
    if (end.status === 400 || end.status === 404) {
      this.attempt++;
      return MAX_DELAY_MS;
    }
    const backoff = this.nextBackoff();
    const retryAfter = end.status === 429 || end.status === 503 ? parseRetryAfter(end.retryAfter, this.now()) : null;
    this.waitIsServerMandated = retryAfter !== null && retryAfter > 0;
    return retryAfter === null ? backoff : Math.max(retryAfter, backoff);
  }

  private nextBackoff(): number {
    return getBackoffDelay(this.attempt++, this.random, this.baseDelayMs, MAX_DELAY_MS);
  }

  private scheduleRetry(end: StreamEnd, delayMs: number, status: ConnectionInfo['status'], reason: string): void {
    this.deps.onEnd?.(end, delayMs);
    const offline = this.deps.isOnline?.() === false;
    const retryAt = this.now() + delayMs;
    this.deps.onStateChange({
      status: offline ? 'offline' : status,
      retryAt,
      reason: offline ? 'the browser is offline' : reason,
    });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delayMs);
    if (offline) this.pollForOnline();
  }

  private pollForOnline(): void {
    this.onlinePollTimer = this.timers.setTimeout(() => {
      this.onlinePollTimer = null;
      if (this.deps.isOnline?.() === false) this.pollForOnline();
      else this.wake();
    }, ONLINE_POLL_MS);
  }

  private clearTimer(name: 'retryTimer' | 'stallTimer' | 'onlinePollTimer'): void {
    if (this[name] !== null) {
      this.timers.clearTimeout(this[name]);
      this[name] = null;
    }
  }
}
