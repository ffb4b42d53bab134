/**
 * The connection test's findings (connection-test.ts) as codes and numbers, and the pure rules that turn what the
 * test observed on the streams into them. The options page says each in the user's language, with what Beacon does
 * about it and the fix on the server's side (labels/test-step-text.ts).
 */
import type { Category } from '../protocol/categories';
import { HEARTBEAT_INTERVAL_MS, LEGACY_REFETCH_MIN_INTERVAL_MS } from '../protocol/wire';
import type { ConnectionReason } from './connection-reason';
import type { EventTally, StreamObservation } from './stream-watch';

export type TestStep =
  | 'server'
  | 'signIn'
  | 'counts'
  | 'itemIds'
  | 'httpVersion'
  | 'stream'
  | 'heartbeat'
  | 'eventIds'
  | 'replay'
  | 'countsInEvents'
  | 'readEvents';

/** `note`: works, with a cost or a limit worth knowing; `unknown`: the test could not observe it; `pending`: waiting. */
export type TestVerdict = 'ok' | 'note' | 'failed' | 'unknown' | 'pending';

/** What a step found, with its numbers. */
export type TestOutcome =
  | { kind: 'reached' }
  | { kind: 'signed-in'; username: string; role: string }
  | { kind: 'counts'; counts: Array<[Category, number]> }
  /** Items of the first pages, and how many of them had no id Beacon can send back (protocol §5, §7.5). */
  | { kind: 'item-ids'; checked: number; refused: number }
  /** `nextHopProtocol` of the REST calls as the browser reports it (`h2`, `http/1.1`); null: it does not tell. */
  | { kind: 'http-version'; protocol: string | null }
  | { kind: 'stream-open'; seconds: number }
  | { kind: 'waiting'; seconds: number }
  /** The first heartbeat after the opening burst came this many seconds after the headers (late above 15 s). */
  | { kind: 'heartbeat'; seconds: number; late: boolean }
  /** The first bytes came, then no comment for `seconds`: no heartbeat (or a proxy let only the first bytes through). */
  | { kind: 'no-heartbeat'; seconds: number }
  /** The headers came, then not one byte for `seconds`: a buffering proxy (or a server without heartbeat). */
  | { kind: 'buffered'; seconds: number }
  | { kind: 'event-ids'; count: number }
  | { kind: 'no-event-ids'; events: number }
  /** No event arrived while the test watched (for `eventIds`, `countsInEvents`). */
  | { kind: 'no-events'; seconds: number }
  | { kind: 'counts-in-events'; events: number }
  /** Events without `unread_count`: one count request per event and category, at most `perSecond` per category. */
  | { kind: 'counts-refetched'; events: number; perSecond: number }
  | { kind: 'read-events'; events: number }
  | { kind: 'read-events-unseen' }
  /** The server took back its own latest id without a resync: it replays after a drop. */
  | { kind: 'replays' }
  /** Even its own latest id got a resync: no replay, a resync after every drop. */
  | { kind: 'resync-only' }
  /** No resync for an id it cannot know: the server ignores Last-Event-ID. */
  | { kind: 'ignores-last-event-id' }
  /** The probe streams brought no byte in time (a buffering proxy holds them too), or failed. */
  | { kind: 'replay-unknown'; reason: ConnectionReason | null }
  | { kind: 'no-endpoints'; reason: ConnectionReason }
  | { kind: 'refused'; reason: ConnectionReason }
  | { kind: 'failed'; reason: ConnectionReason };

export interface TestStepResult {
  step: TestStep;
  verdict: TestVerdict;
  outcome: TestOutcome;
}

type Finding = Omit<TestStepResult, 'step'>;

/** Comments this soon after the headers belong to the opening burst (`: connected`), not to a heartbeat. */
export const OPENING_BURST_MS = 1_000;
/** A heartbeat counts as on time up to the protocol's 15 s plus this much of timer and network jitter. */
const HEARTBEAT_GRACE_MS = 1_000;

/** The heartbeat finding of the live stream's watch (§7.1: a comment at least every 15 s). */
export function getHeartbeatFinding(seen: StreamObservation): Finding {
  const heartbeatMs = seen.commentsAfterMs.find((ms) => ms >= OPENING_BURST_MS);
  if (heartbeatMs !== undefined) {
    const late = heartbeatMs > HEARTBEAT_INTERVAL_MS + HEARTBEAT_GRACE_MS;
    return { verdict: late ? 'note' : 'ok', outcome: { kind: 'heartbeat', seconds: toSeconds(heartbeatMs), late } };
  }
  // The stream ended by itself before a heartbeat came (a proxy or balancer cutting it): that is the finding.
  if (seen.failure) return { verdict: 'failed', outcome: { kind: 'failed', reason: seen.failure } };
  const seconds = toSeconds(seen.watchedMs);
  if (seen.firstByteAfterMs === null) return { verdict: 'failed', outcome: { kind: 'buffered', seconds } };
  return { verdict: 'failed', outcome: { kind: 'no-heartbeat', seconds } };
}

/** What the replay probes saw: the stream with an unknown id, then (after a resync) the one with the server's id. */
export interface ReplayProbe {
  watches: StreamObservation[];
}

export function getReplayFinding({ watches: [unknown, latest] }: ReplayProbe): Finding {
  if (!unknown) return { verdict: 'unknown', outcome: { kind: 'replay-unknown', reason: null } };
  if (unknown.resyncId === null) {
    // Silence is an answer only from a stream that sent bytes: a held stream says nothing either way.
    if (unknown.firstByteAfterMs === null)
      return { verdict: 'unknown', outcome: { kind: 'replay-unknown', reason: unknown.failure } };
    return { verdict: 'note', outcome: { kind: 'ignores-last-event-id' } };
  }
  // A resync without an id leaves nothing to resume from.
  if (!latest) return { verdict: 'note', outcome: { kind: 'resync-only' } };
  if (latest.resyncId !== null) return { verdict: 'note', outcome: { kind: 'resync-only' } };
  if (latest.openedAfterMs === null)
    return { verdict: 'unknown', outcome: { kind: 'replay-unknown', reason: latest.failure } };
  return { verdict: 'ok', outcome: { kind: 'replays' } };
}

/**
 * What the events seen while the test watched say about ids, counts in events and read events. The test provokes
 * none, so each is "not known" when no such event happened to arrive. `resyncIds`: resync events that carried an id.
 */
export function getEventFindings(events: EventTally, resyncIds: number, watchedMs: number): Array<[TestStep, Finding]> {
  const total = events.withCount + events.withoutCount;
  const noEvents: Finding = { verdict: 'unknown', outcome: { kind: 'no-events', seconds: toSeconds(watchedMs) } };
  const ids: Finding =
    events.withId + resyncIds > 0
      ? { verdict: 'ok', outcome: { kind: 'event-ids', count: events.withId + resyncIds } }
      : total > 0
        ? { verdict: 'note', outcome: { kind: 'no-event-ids', events: total } }
        : noEvents;
  const perSecond = Math.round(10_000 / LEGACY_REFETCH_MIN_INTERVAL_MS) / 10;
  const counts: Finding =
    events.withoutCount > 0
      ? { verdict: 'note', outcome: { kind: 'counts-refetched', events: events.withoutCount, perSecond } }
      : events.withCount > 0
        ? { verdict: 'ok', outcome: { kind: 'counts-in-events', events: events.withCount } }
        : noEvents;
  const read: Finding =
    events.read > 0
      ? { verdict: 'ok', outcome: { kind: 'read-events', events: events.read } }
      : { verdict: 'unknown', outcome: { kind: 'read-events-unseen' } };
  return [
    ['eventIds', ids],
    ['countsInEvents', counts],
    ['readEvents', read],
  ];
}

export const toSeconds = (ms: number) => Math.round(ms / 100) / 10;
