// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { startBeaconServer, type BeaconServer, type BeaconServerOptions } from '../../server/app';
import { runConnectionTest, type TestStepResult } from '@/utils/connection/connection-test';
import type { Translate } from '@/utils/labels/message-key';
import { formatTestStep } from '@/utils/labels/test-step-text';
import { getMessage } from '../setup';
import { makeSettings } from '../helpers/service-harness';
import { startRecordingServer } from '../helpers/recording-server';
import { startBufferingProxy, type BufferingProxy } from '../helpers/buffering-proxy';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let server: BeaconServer | null = null;
let proxy: BufferingProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  proxy = null;
  await server?.close();
  server = null;
});

const start = async (options: Partial<BeaconServerOptions> = {}) =>
  (server = await startBeaconServer({
    adminToken: 'admin-token-for-tests',
    users: [{ username: 'alice', token: 'alice-token-1', role: 'user' }],
    ...options,
  }));

async function run(overrides: Parameters<typeof makeSettings>[0], onStep: (step: TestStepResult) => void = () => {}) {
  const steps: TestStepResult[] = [];
  const startedAt = Date.now();
  const ok = await runConnectionTest(makeSettings(overrides), { fetch }, (step) => {
    steps.push(step);
    onStep(step);
  });
  const t = getMessage as Translate;
  return { ok, steps: steps.map((step) => formatTestStep(step, t)), seconds: (Date.now() - startedAt) / 1000 };
}

/** While the test watches: a notice, then a mark read elsewhere (the web app), as a user's day would bring. */
const publishAndMarkRead = (step: TestStepResult) => {
  if (step.step !== 'stream') return;
  void server!.store
    .publish('alice', { notice_type: 2, title: 'Bob commented' })
    .then(() => server!.store.markRead('alice', 'comments'));
};

// Seconds vary by a tenth or so with the load: the lines are compared with them masked.
const masked = (lines: string[]) => lines.map((line) => line.replace(/\d+(\.\d+)? s\b/g, 'N s'));

describe('runConnectionTest against the reference server', () => {
  it('reports every capability of the reference server', async () => {
    await start({ heartbeatMs: 1_500 });
    await server!.store.publish('alice', { notice_type: 0, title: 'Ann liked your post' });
    const { ok, steps } = await run({ serverUrl: server!.url, token: 'alice-token-1' }, publishAndMarkRead);
    expect(ok).toBe(true);
    expect(masked(steps)).toEqual([
      'Server: OK — reached',
      'Sign-in: OK — signed in as alice (role user)',
      'Unread counts: OK — 1 unread (Likes 1, Stars 0, Comments 0, System notices 0, Administrator notices 0)',
      'Item ids: OK — items checked on the first pages: 1; each has an id Beacon can send back to mark it read',
      'HTTP version: Not known — this browser does not tell (Resource Timing gives no nextHopProtocol here)',
      'Live stream: OK — the live stream is open (headers after N s)',
      'Heartbeat: Waiting — waiting for a heartbeat on the stream (at most N s)…',
      expect.stringMatching(/^Heartbeat: OK — a heartbeat came N s after the stream opened/),
      expect.stringMatching(/^Event ids: OK — the server sends event ids \(3 seen\)/),
      expect.stringMatching(/^Counts in events: OK — events with unread_count: 2\. Beacon sets/),
      expect.stringMatching(/^Read events: OK — "read" events seen: 1\. A mark read/),
      expect.stringMatching(/^Replay after a drop: OK — the server took back its own latest id without a resync/),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server!.streamCount()).toBe(0); // every test stream was closed again
  });

  it('legacy events: says counts are refetched, at what cost, and that read events cannot be told apart', async () => {
    await start({ heartbeatMs: 1_500, legacyEvents: true });
    const { ok, steps } = await run({ serverUrl: server!.url, token: 'alice-token-1' }, publishAndMarkRead);
    expect(ok).toBe(true);
    expect(steps.find((line) => line.startsWith('Counts in events'))).toBe(
      "Counts in events: Note — events without unread_count: 2. Beacon refetches the category's count for each " +
        '(one request per event and category, at most 3.6 a second per category; more events are merged). ' +
        'Server: add unread_count to every event',
    );
    // A legacy "read" event is {"notice_type": 2}: nothing tells it from a notice.
    expect(steps.find((line) => line.startsWith('Read events'))).toMatch(/^Read events: Not known — none seen/);
  });

  it('names a buffering proxy: headers, then no byte within 20 s', async () => {
    await start();
    proxy = await startBufferingProxy(server!.url);
    const { ok, steps, seconds } = await run({ serverUrl: proxy.url, token: 'alice-token-1' });
    expect(ok).toBe(false);
    expect(steps.slice(5)).toEqual([
      expect.stringMatching(/^Live stream: OK/),
      expect.stringMatching(/^Heartbeat: Waiting/),
      expect.stringMatching(
        /^Heartbeat: Failed — the stream's headers came, but not one byte followed in 2\d(\.\d)? s: a proxy .* proxy_buffering off/,
      ),
      expect.stringMatching(/^Event ids: Not known — no event arrived/),
      expect.stringMatching(/^Counts in events: Not known/),
      expect.stringMatching(/^Read events: Not known/),
      'Replay after a drop: Not known — could not tell: the probe streams brought no byte in time',
    ]);
    expect(seconds).toBeLessThan(26);
  }, 40_000);

  it('says when the sign-in is refused, the URL is wrong, or nothing answers', async () => {
    await start();
    expect((await run({ serverUrl: server!.url, token: 'wrong-token' })).steps).toEqual([
      'Server: OK — reached',
      'Sign-in: Failed — the server refused the sign-in (/notification/me: HTTP 401: invalid or expired token)',
    ]);
    expect((await run({ serverUrl: `${server!.url}/wrong/prefix`, token: 'alice-token-1' })).steps[0]).toMatch(
      /^Server: Failed — reached, but it has no Beacon endpoints/,
    );
    const port = server!.port;
    await server!.close();
    server = null;
    expect((await run({ serverUrl: `http://127.0.0.1:${port}`, token: 'x' })).steps[0]).toMatch(
      /^Server: Failed — \/notification\/me: cannot reach the server/,
    );
  });

  it('reports a redirect at the first step, and the other address receives nothing', async () => {
    const elsewhere = await startRecordingServer();
    const redirector = createServer((_req, res) => res.writeHead(302, { Location: `${elsewhere.url}/steal` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const { ok, steps } = await run({ serverUrl: `http://127.0.0.1:${port}`, token: 'alice-token-1' });
      expect(ok).toBe(false);
      expect(steps).toEqual([
        'Server: Failed — /notification/me: the server answered with a redirect, which Beacon does not follow: ' +
          'set the server URL to the final address',
      ]);
      expect(elsewhere.requests.filter((request) => request.url !== '/steal')).toEqual([]);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
      await elsewhere.close();
    }
  });
});
