/**
 * One event stream watched for the connection test (connection-test.ts): when its headers and bytes came, which
 * comments (heartbeats) arrived and what its events say. Every watch has a deadline for the headers and one for the
 * whole watch, and closes the stream when it ends: the test never leaves a stream open on the server.
 */
import type { Clock } from '../lib/clock';
import { MESSAGE_EVENT, RESYNC_EVENT } from '../protocol/wire';
import { getStreamEndReason, type ConnectionReason } from './connection-reason';
import { parseNoticeEvent } from './notice-event';
import { getEventIdProblem } from './server-input';
import { openEventStream, type StreamRequest } from './sse-stream';

/** Message events of a watch, counted by what they carried (only events Beacon can use: a known `notice_type`). */
export interface EventTally {
  /** With an `id:` Beacon can send back as Last-Event-ID. */
  withId: number;
  withCount: number;
  withoutCount: number;
  /** `"kind": "read"`. */
  read: number;
}

/** What arrived on a watched stream. Times in ms after the headers. */
export interface StreamObservation {
  /** ms from the start of the watch to the headers; null: no event stream opened. */
  openedAfterMs: number | null;
  firstByteAfterMs: number | null;
  commentsAfterMs: number[];
  events: EventTally;
  /** The first `resync` event's id ('' when it had none); null: no resync. */
  resyncId: string | null;
  /** How long the stream was watched after its headers. */
  watchedMs: number;
  /** Why the stream failed or ended before the watch did; null when the watch ended it. */
  failure: ConnectionReason | null;
}

export interface WatchOptions {
  /** The headers must come within this many ms of the start. */
  openWithinMs: number;
  /** Watched at most this many ms after the headers. */
  watchMs: number;
  /** Ends the watch early once this holds (checked after each comment and event). */
  isDone?(observation: StreamObservation): boolean;
  onOpen?(): void;
  /** Ends the watch from outside (the test stopped). */
  signal?: AbortSignal;
}

function getEmptyTally(): EventTally {
  return { withId: 0, withCount: 0, withoutCount: 0, read: 0 };
}

export async function watchStream(
  request: StreamRequest,
  fetchFn: typeof fetch,
  clock: Clock,
  options: WatchOptions,
): Promise<StreamObservation> {
  const startedAt = clock.now();
  const seen: StreamObservation = {
    openedAfterMs: null,
    firstByteAfterMs: null,
    commentsAfterMs: [],
    events: getEmptyTally(),
    resyncId: null,
    watchedMs: 0,
    failure: null,
  };
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop);
  let timer = clock.setTimeout(stop, options.openWithinMs);
  const sinceOpen = () => clock.now() - startedAt - (seen.openedAfterMs ?? 0);
  const check = () => {
    if (options.isDone?.(seen)) stop();
  };

  const end = await openEventStream(
    request,
    {
      onOpen() {
        seen.openedAfterMs = clock.now() - startedAt;
        clock.clearTimeout(timer);
        timer = clock.setTimeout(stop, options.watchMs);
        options.onOpen?.();
      },
      onActivity() {
        seen.firstByteAfterMs ??= sinceOpen();
      },
      onComment() {
        seen.commentsAfterMs.push(sinceOpen());
        check();
      },
      onEvent(event) {
        if (event.event === RESYNC_EVENT) seen.resyncId ??= event.id ?? '';
        else if (event.event === undefined || event.event === MESSAGE_EVENT) tallyMessage(seen.events, event);
        check();
      },
      onOversizedEvent() {},
      onRetry() {},
    },
    controller.signal,
    fetchFn,
  );
  clock.clearTimeout(timer);
  options.signal?.removeEventListener('abort', stop);
  if (seen.openedAfterMs !== null) seen.watchedMs = sinceOpen();
  if (!controller.signal.aborted) seen.failure = getStreamEndReason(end);
  else if (seen.openedAfterMs === null && !options.signal?.aborted) {
    seen.failure = { code: 'timeout', seconds: options.openWithinMs / 1000 };
  }
  return seen;
}

function tallyMessage(tally: EventTally, { id, data }: { id?: string; data: string }): void {
  const parsed = parseNoticeEvent(data);
  if (!parsed.ok) return;
  if (id !== undefined && getEventIdProblem(id) === null) tally.withId++;
  if (parsed.event.unreadCount === null) tally.withoutCount++;
  else tally.withCount++;
  if (parsed.event.kind === 'read') tally.read++;
}
