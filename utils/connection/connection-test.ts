/**
 * "Test connection" in the options page: each step of what the background does, reported in plain words.
 * Runs with the settings being edited, before they are saved.
 */
import { ApiError, createApiClient } from './api-client';
import { getVisibleCategories } from '../protocol/categories';
import { getBaseUrl } from '../settings/server-url';
import type { Settings } from '../settings/settings';
import { describeError } from '../lib/errors';
import { openEventStream } from './sse-stream';

export type TestStep = 'server' | 'signIn' | 'counts' | 'stream';

export interface TestStepResult {
  step: TestStep;
  ok: boolean;
  /** English detail for the step (server words, numbers); the page adds the translated step name. */
  detail: string;
}

/** How long the stream step waits for the first byte. */
export const STREAM_TEST_MS = 5000;

export async function runConnectionTest(
  settings: Settings,
  fetchFn: typeof fetch,
  onStep: (result: TestStepResult) => void,
): Promise<boolean> {
  const api = createApiClient(
    getBaseUrl(settings.serverUrl),
    { method: settings.authMethod, token: settings.token, username: settings.username },
    fetchFn,
  );
  const report = (step: TestStep, ok: boolean, detail: string) => {
    onStep({ step, ok, detail });
    return ok;
  };

  let role: string;
  try {
    const me = await api.getMe();
    report('server', true, 'reached');
    report('signIn', true, `signed in as ${me.username} (role ${me.role})`);
    role = settings.role === 'auto' ? me.role : settings.role;
  } catch (error) {
    if (!(error instanceof ApiError) || error.type === 'network')
      return report('server', false, `cannot reach the server: ${describeError(error)}`);
    if (error.status === 404)
      return report('server', false, `reached, but it has no Beacon endpoints there (${error.message}): check the URL`);
    report('server', true, 'reached');
    if (error.isAuthError) return report('signIn', false, `the server refused the sign-in (${error.message})`);
    return report('signIn', false, error.message);
  }

  try {
    const categories = getVisibleCategories(role);
    const results = await Promise.all(categories.map((category) => api.getCategory(category)));
    const total = results.reduce((sum, result) => sum + result.unreadCount, 0);
    report(
      'counts',
      true,
      `${total} unread (${categories.map((c, i) => `${c} ${results[i]!.unreadCount}`).join(', ')})`,
    );
  } catch (error) {
    return report('counts', false, describeError(error));
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), STREAM_TEST_MS);
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
  clearTimeout(timer);
  if (opened) return report('stream', true, 'the live stream is open');
  switch (end.type) {
    case 'http-error':
      return report('stream', false, `HTTP ${end.status}: ${end.message}`);
    case 'no-content':
      return report('stream', false, 'the server answered 204: it asks clients not to connect');
    case 'bad-content-type':
      return report('stream', false, `not an event stream (Content-Type: ${end.contentType || 'none'})`);
    default:
      return report(
        'stream',
        false,
        end.type === 'network-error' ? end.message : `no answer within ${STREAM_TEST_MS / 1000} s`,
      );
  }
}
