/**
 * "Test connection" in the options page: what the background does, step by step, and what the server can do, the way
 * an operator debugging a deployment needs it. Each finding is a code with its numbers the page translates, with what
 * Beacon will do about it. Runs with the settings being edited, before they are saved.
 *
 * Passive only: the test publishes nothing and marks nothing read. What it cannot provoke (read events, counts in
 * events) it reports from the events that happen to arrive while it watches, else as not known.
 *
 * Bounded: every step has a deadline. The live stream is watched from the start, beside the REST calls, so the whole
 * test lasts at most STREAM_OPEN_MS + HEARTBEAT_WAIT_MS (25 s), the heartbeat wait being the longest part.
 */
import { realClock, type Clock } from '../lib/clock';
import { describeError } from '../lib/errors';
import { getVisibleCategories, type Category } from '../protocol/categories';
import { getEffectiveRole, type Settings } from '../settings/settings';
import { getBaseUrl } from '../settings/server-url';
import { ApiError, createApiClientForSettings } from './api-client';
import type { ConnectionReason } from './connection-reason';
import { watchStream, type StreamObservation } from './stream-watch';
import {
  getEventFindings,
  getHeartbeatFinding,
  getReplayFinding,
  OPENING_BURST_MS,
  toSeconds,
  type ReplayProbe,
  type TestOutcome,
  type TestStep,
  type TestStepResult,
  type TestVerdict,
} from './test-findings';

export type { TestStepResult } from './test-findings';

export interface ConnectionTestDeps {
  fetch: typeof fetch;
  clock?: Clock;
  /**
   * The HTTP version the browser used for requests under this URL (Resource Timing's `nextHopProtocol`), or null when
   * it does not tell: only the page running the test can ask its own `performance`.
   */
  getHttpVersion?(urlPrefix: string): string | null;
}

/** Each REST step (who am I, counts, item pages) must answer within this. */
const REST_STEP_MS = 5_000;
/** The live stream's headers must come within this of the start. */
const STREAM_OPEN_MS = 5_000;
/** After the headers, how long the test waits for a heartbeat: past the 15 s the protocol asks, short of the 45 s stall. */
const HEARTBEAT_WAIT_MS = 20_000;
/** Items per category the test checks for usable ids: the popup's first page. */
const ITEMS_CHECKED = 10;
/** Any Last-Event-ID the server cannot know: a protocol server answers it with `resync` (§7.2). */
const PROBE_EVENT_ID = 'beacon-connection-test';
const PROBE_OPEN_MS = 3_000;
/** A replay or a resync comes right after the headers (§7.2: before any live event). */
const PROBE_WATCH_MS = 2_000;

const getReason = (error: unknown): ConnectionReason =>
  error instanceof ApiError ? error.reason : { code: 'network', detail: describeError(error) };

/** Runs the test, reporting each step as it is known; true when no step failed. */
export async function runConnectionTest(
  settings: Settings,
  deps: ConnectionTestDeps,
  onStep: (result: TestStepResult) => void,
): Promise<boolean> {
  const clock = deps.clock ?? realClock;
  const api = createApiClientForSettings(settings, deps.fetch, clock);
  let passed = true;
  const report = (step: TestStep, verdict: TestVerdict, outcome: TestOutcome) => {
    if (verdict === 'failed') passed = false;
    onStep({ step, verdict, outcome });
    return passed;
  };
  /** A REST call within REST_STEP_MS: a slow server fails the step with a timeout, never holds the test. */
  const withDeadline = async <T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(), REST_STEP_MS);
    try {
      return await call(controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      const path = error instanceof ApiError ? error.reason.path : undefined;
      throw new ApiError({ code: 'timeout', seconds: REST_STEP_MS / 1000, path });
    } finally {
      clock.clearTimeout(timer);
    }
  };

  const stopped = new AbortController();
  const startedAt = clock.now();
  const stream = { openedAfterMs: null as number | null };
  let markOpened!: () => void;
  const streamOpened = new Promise<void>((resolve) => (markOpened = resolve));
  const liveWatch = watchStream(api.getStreamRequest(null), deps.fetch, clock, {
    openWithinMs: STREAM_OPEN_MS,
    watchMs: HEARTBEAT_WAIT_MS,
    // The comments of the opening burst (sent with the headers) are not heartbeats: one a moment later is.
    isDone: (seen) => seen.commentsAfterMs.some((ms) => ms >= OPENING_BURST_MS),
    onOpen: () => {
      stream.openedAfterMs = clock.now() - startedAt;
      markOpened();
    },
    signal: stopped.signal,
  });

  let role: string | null;
  try {
    const me = await withDeadline((signal) => api.getMe(signal));
    report('server', 'ok', { kind: 'reached' });
    report('signIn', 'ok', { kind: 'signed-in', username: me.username, role: me.role });
    role = getEffectiveRole(settings.role, me.role);
  } catch (error) {
    stopped.abort();
    await liveWatch;
    const reason = getReason(error);
    // A redirect fails the first step: Beacon never reached a server at the configured address.
    if (!(error instanceof ApiError) || reason.code === 'network' || reason.code === 'redirect')
      return report('server', 'failed', { kind: 'failed', reason });
    if (reason.code === 'timeout') return report('server', 'failed', { kind: 'failed', reason });
    if (error.status === 404) return report('server', 'failed', { kind: 'no-endpoints', reason });
    report('server', 'ok', { kind: 'reached' });
    return report('signIn', 'failed', { kind: error.isAuthError ? 'refused' : 'failed', reason });
  }

  const categories = getVisibleCategories(role);
  const [summaries, pages] = await Promise.all([
    Promise.allSettled(
      categories.map((category) => withDeadline((signal) => api.getCategorySummary(category, signal))),
    ),
    Promise.allSettled(
      categories.map((category) => withDeadline((signal) => api.getCategoryPage(category, 1, ITEMS_CHECKED, signal))),
    ),
  ]);
  const countFailure = summaries.find((result) => result.status === 'rejected');
  if (countFailure) report('counts', 'failed', { kind: 'failed', reason: getReason(countFailure.reason) });
  else {
    const counts = summaries.map((result, index): [Category, number] => [
      categories[index]!,
      (result as PromiseFulfilledResult<{ unreadCount: number }>).value.unreadCount,
    ]);
    report('counts', 'ok', { kind: 'counts', counts });
  }
  const pageFailure = pages.find((result) => result.status === 'rejected');
  if (pageFailure) report('itemIds', 'failed', { kind: 'failed', reason: getReason(pageFailure.reason) });
  else {
    const fetched = pages.map(
      (result) => (result as PromiseFulfilledResult<{ items: unknown[]; refusedItems: number }>).value,
    );
    const refused = fetched.reduce((sum, page) => sum + page.refusedItems, 0);
    const checked = fetched.reduce((sum, page) => sum + page.items.length, 0) + refused;
    report('itemIds', checked === 0 ? 'unknown' : refused > 0 ? 'note' : 'ok', { kind: 'item-ids', checked, refused });
  }
  const protocol = deps.getHttpVersion?.(getBaseUrl(settings.serverUrl)) ?? null;
  report('httpVersion', protocol === null ? 'unknown' : /^http\/1/i.test(protocol) ? 'note' : 'ok', {
    kind: 'http-version',
    protocol,
  });

  await Promise.race([streamOpened, liveWatch]);
  if (stream.openedAfterMs === null) {
    const reason = (await liveWatch).failure ?? { code: 'timeout', seconds: STREAM_OPEN_MS / 1000 };
    return report('stream', 'failed', { kind: 'failed', reason });
  }
  report('stream', 'ok', { kind: 'stream-open', seconds: toSeconds(stream.openedAfterMs) });
  report('heartbeat', 'pending', { kind: 'waiting', seconds: HEARTBEAT_WAIT_MS / 1000 });

  const replay = await probeReplay((lastEventId) =>
    watchStream(api.getStreamRequest(lastEventId), deps.fetch, clock, {
      openWithinMs: PROBE_OPEN_MS,
      watchMs: PROBE_WATCH_MS,
      isDone: (seen) => seen.resyncId !== null,
    }),
  );
  const seen = await liveWatch;
  const heartbeat = getHeartbeatFinding(seen);
  report('heartbeat', heartbeat.verdict, heartbeat.outcome);
  // Events of the live stream only: a probe's replay repeats them (it is the replay finding's evidence, not new events).
  const resyncIds = replay.watches.filter((watch) => watch.resyncId).length;
  for (const [step, finding] of getEventFindings(seen.events, resyncIds, seen.watchedMs))
    report(step, finding.verdict, finding.outcome);
  const replayFinding = getReplayFinding(replay);
  report('replay', replayFinding.verdict, replayFinding.outcome);
  return passed;
}

/**
 * Replay (§7.2), asked passively: a stream with an id the server cannot know must get `resync`, whose id is the
 * server's latest; a stream with that id must then get neither a resync nor anything else (nothing was missed).
 */
async function probeReplay(watch: (lastEventId: string) => Promise<StreamObservation>): Promise<ReplayProbe> {
  const unknown = await watch(PROBE_EVENT_ID);
  if (!unknown.resyncId) return { watches: [unknown] };
  const latest = await watch(unknown.resyncId);
  return { watches: [unknown, latest] };
}
