/**
 * Redirects (issue #22 point 7): no request Beacon sends follows one, so neither the token nor a cookie, nor the
 * Last-Event-ID or the user name, ever reaches another address. The fake fetch here behaves as browsers do: it
 * follows a redirect unless told `redirect: 'manual'` (then it answers with an opaque redirect: status 0, no
 * Location) or `'error'` (then it rejects with a TypeError).
 */
import { describe, expect, it } from 'vitest';
import { ApiError, createApiClientForSettings } from '@/utils/connection/api-client';
import { ConnectionLoop } from '@/utils/connection/connection-loop';
import { getStreamEndReason } from '@/utils/connection/connection-reason';
import { runConnectionTest, type TestStepResult } from '@/utils/connection/connection-test';
import { openEventStream } from '@/utils/connection/sse-stream';
import type { Translate } from '@/utils/labels/message-key';
import { formatReason } from '@/utils/labels/reason-text';
import type { ConnectionInfo } from '@/utils/snapshot/snapshot';
import { getMessage, useLocale } from '../setup';
import { makeSettings } from '../helpers/service-harness';

const SERVER = 'https://notify.example';
const ELSEWHERE = 'https://elsewhere.example';

interface Sent {
  url: string;
  redirect: RequestRedirect | undefined;
  authorization: string | null;
}

/** A browser's fetch in front of a server that redirects every request to another origin. */
function redirectingServer(options: { status?: number } = {}) {
  const sent: Sent[] = [];
  const elsewhere: Sent[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const authorization = new Headers(init.headers).get('Authorization');
    sent.push({ url, redirect: init.redirect, authorization });
    if (!url.startsWith(SERVER)) throw new Error(`unexpected request to ${url}`);
    if (init.redirect === 'error') throw new TypeError('Failed to fetch');
    if (init.redirect === 'manual') return opaqueRedirect();
    // 'follow' (the default): the browser asks the other origin (Fetch drops Authorization across origins).
    elsewhere.push({ url: url.replace(SERVER, ELSEWHERE), redirect: init.redirect, authorization: null });
    const response = new Response(JSON.stringify({ username: 'mallory', role: 'user', unread_count: 0, data: [] }), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
    Object.defineProperty(response, 'redirected', { value: true });
    return response;
  }) as typeof fetch;

  /** What a browser answers for `redirect: 'manual'`; Node's fetch answers the 3xx itself (status given). */
  function opaqueRedirect(): Response {
    if (options.status !== undefined) {
      return new Response(null, { status: options.status, headers: { Location: `${ELSEWHERE}/steal` } });
    }
    const response = new Response(null, { status: 200 });
    Object.defineProperties(response, {
      type: { value: 'opaqueredirect' },
      status: { value: 0 },
      ok: { value: false },
    });
    return response;
  }
  return { fetchFn, sent, elsewhere };
}

const settings = makeSettings({ serverUrl: SERVER, token: 'secret-token-1234' });

describe('no request follows a redirect', () => {
  for (const shape of [{ name: 'a browser (opaque redirect)' }, { name: "Node's fetch (302)", status: 302 }]) {
    it(`every REST call refuses it with the reason "redirect": ${shape.name}`, async () => {
      const server = redirectingServer(shape);
      const api = createApiClientForSettings(settings, server.fetchFn);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['/notification/me', () => api.getMe()],
        ['/notification/likes', () => api.getCategorySummary('likes')],
        ['/notification/likes', () => api.getCategoryPage('likes', 1, 10)],
        ['/notification/likes/read', () => api.markRead('likes')],
        ['/notification/likes/read', () => api.markItemsRead('likes', ['l-1'])],
      ];
      for (const [path, call] of calls) {
        const error = await call().then(
          () => null,
          (rejection: unknown) => rejection,
        );
        expect(error, path).toBeInstanceOf(ApiError);
        expect((error as ApiError).reason, path).toEqual({ code: 'redirect', path });
      }
      expect(server.sent.map((request) => request.redirect)).toEqual(calls.map(() => 'manual'));
      expect(server.elsewhere).toEqual([]);
    });

    it(`the stream ends with "redirected" and the loop shows an error with that reason: ${shape.name}`, async () => {
      const server = redirectingServer(shape);
      const api = createApiClientForSettings(settings, server.fetchFn);
      const handlers = { onOpen() {}, onEvent() {}, onOversizedEvent() {}, onRetry() {}, onActivity() {} };
      const end = await openEventStream(
        api.getStreamRequest('7'),
        handlers,
        new AbortController().signal,
        server.fetchFn,
      );
      expect(end).toEqual({ type: 'redirected' });
      expect(getStreamEndReason(end)).toEqual({ code: 'redirect' });

      const states: ConnectionInfo[] = [];
      const loop = new ConnectionLoop({
        open: (id, loopHandlers, signal) =>
          openEventStream(api.getStreamRequest(id), loopHandlers, signal, server.fetchFn),
        getLastEventId: () => null,
        onStateChange: (state) => states.push(state),
        onOpen() {},
        onEvent() {},
        onOversizedEvent() {},
        onActivity() {},
      });
      loop.start();
      await new Promise((resolve) => setTimeout(resolve, 0));
      loop.stop();
      expect(states.at(-1)).toMatchObject({ status: 'error', reason: { code: 'redirect' } });
      expect(server.sent.every((request) => request.redirect === 'manual')).toBe(true);
      expect(server.elsewhere).toEqual([]);
    });
  }

  it('the connection test says the server redirects, at its first step', async () => {
    const server = redirectingServer();
    const steps: TestStepResult[] = [];
    expect(await runConnectionTest(settings, { fetch: server.fetchFn }, (step) => steps.push(step))).toBe(false);
    expect(steps).toEqual([
      { step: 'server', verdict: 'failed', outcome: { kind: 'failed', reason: expect.anything() } },
    ]);
    expect(steps[0]!.outcome).toMatchObject({ reason: { code: 'redirect', path: '/notification/me' } });
    expect(server.elsewhere).toEqual([]);
  });

  it('says so in English and in Chinese', () => {
    const t = getMessage as Translate;
    expect(formatReason({ code: 'redirect' }, t)).toBe(
      'the server answered with a redirect, which Beacon does not follow: set the server URL to the final address',
    );
    useLocale('zh_CN');
    expect(formatReason({ code: 'redirect' }, t)).toBe(
      '服务器返回了重定向，Beacon 不会跟随：请把服务器地址设为最终地址',
    );
  });
});
