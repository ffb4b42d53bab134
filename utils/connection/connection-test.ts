/**
 * "Test connection" in the options page: each step of what the background does, reported as codes and numbers the
 * page translates. Runs with the settings being edited, before they are saved.
 */
import { realClock, type Clock } from '../lib/clock';
import { describeError } from '../lib/errors';
import { getVisibleCategories, type Category } from '../protocol/categories';
import { getEffectiveRole, type Settings } from '../settings/settings';
import { ApiError, createApiClientForSettings } from './api-client';
import { getStreamEndReason, type ConnectionReason } from './connection-reason';
import { openEventStream } from './sse-stream';

export type TestStep = 'server' | 'signIn' | 'counts' | 'stream';

/** What a step found: a success with its facts, or a failure with its reason. */
export type TestOutcome =
  | { kind: 'reached' }
  | { kind: 'signed-in'; username: string; role: string }
  | { kind: 'counts'; counts: Array<[Category, number]> }
  | { kind: 'stream-open' }
  | { kind: 'no-endpoints'; reason: ConnectionReason }
  | { kind: 'refused'; reason: ConnectionReason }
  | { kind: 'failed'; reason: ConnectionReason };

export interface TestStepResult {
  step: TestStep;
  ok: boolean;
  outcome: TestOutcome;
}

/** How long the stream step waits for the first byte. */
const STREAM_TEST_MS = 5000;

const getReason = (error: unknown): ConnectionReason =>
  error instanceof ApiError ? error.reason : { code: 'network', detail: describeError(error) };

export async function runConnectionTest(
  settings: Settings,
  fetchFn: typeof fetch,
  onStep: (result: TestStepResult) => void,
  clock: Clock = realClock,
): Promise<boolean> {
  const api = createApiClientForSettings(settings, fetchFn, clock);
  const report = (step: TestStep, ok: boolean, outcome: TestOutcome) => {
    onStep({ step, ok, outcome });
    return ok;
  };

  let role: string | null;
  try {
    const me = await api.getMe();
    report('server', true, { kind: 'reached' });
    report('signIn', true, { kind: 'signed-in', username: me.username, role: me.role });
    role = getEffectiveRole(settings.role, me.role);
  } catch (error) {
    const reason = getReason(error);
    // A redirect fails the first step: Beacon never reached a server at the configured address.
    if (!(error instanceof ApiError) || reason.code === 'network' || reason.code === 'redirect')
      return report('server', false, { kind: 'failed', reason });
    if (error.status === 404) return report('server', false, { kind: 'no-endpoints', reason });
    report('server', true, { kind: 'reached' });
    return report('signIn', false, { kind: error.isAuthError ? 'refused' : 'failed', reason });
  }

  try {
    const categories = getVisibleCategories(role);
    const results = await Promise.all(categories.map((category) => api.getCategorySummary(category)));
    report('counts', true, {
      kind: 'counts',
      counts: categories.map((category, index) => [category, results[index]!.unreadCount]),
    });
  } catch (error) {
    return report('counts', false, { kind: 'failed', reason: getReason(error) });
  }

  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(), STREAM_TEST_MS);
  let opened = false;
  const end = await openEventStream(
    api.getStreamRequest(null),
    {
      // Headers of a 200 event stream are enough: the stream works.
      onOpen: () => {
        opened = true;
        controller.abort();
      },
      onActivity: () => {},
      onEvent: () => {},
      onOversizedEvent: () => {},
      onRetry: () => {},
    },
    controller.signal,
    fetchFn,
  );
  clock.clearTimeout(timer);
  if (opened) return report('stream', true, { kind: 'stream-open' });
  const reason = getStreamEndReason(end) ?? { code: 'timeout', seconds: STREAM_TEST_MS / 1000 };
  return report('stream', false, { kind: 'failed', reason });
}
