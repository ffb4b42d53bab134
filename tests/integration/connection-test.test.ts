// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { startBeaconServer, type BeaconServer } from '../../server/app';
import { runConnectionTest, type TestStepResult } from '@/utils/connection/connection-test';
import type { Translate } from '@/utils/labels/message-key';
import { formatTestOutcome } from '@/utils/labels/test-step-text';
import { getMessage } from '../setup';
import { makeSettings } from '../helpers/service-harness';
import { startRecordingServer } from '../helpers/recording-server';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let server: BeaconServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function run(overrides: Parameters<typeof makeSettings>[0]) {
  const steps: TestStepResult[] = [];
  const ok = await runConnectionTest(makeSettings(overrides), fetch, (step) => steps.push(step));
  const t = getMessage as Translate;
  return { ok, steps: steps.map((s) => `${s.step}:${s.ok ? 'ok' : 'failed'}:${formatTestOutcome(s.outcome, t)}`) };
}

describe('runConnectionTest against the reference server', () => {
  it('passes every step with a good token', async () => {
    server = await startBeaconServer({
      adminToken: 'admin-token-for-tests',
      users: [{ username: 'alice', token: 'alice-token-1', role: 'user' }],
    });
    await server.store.publish('alice', { notice_type: 0 });
    const { ok, steps } = await run({ serverUrl: server.url, token: 'alice-token-1' });
    expect(ok).toBe(true);
    expect(steps).toEqual([
      'server:ok:reached',
      'signIn:ok:signed in as alice (role user)',
      'counts:ok:1 unread (Likes 1, Stars 0, Comments 0, System notices 0, Administrator notices 0)',
      'stream:ok:the live stream is open',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.streamCount()).toBe(0); // the test stream was closed again
  });

  it('says when the sign-in is refused, the URL is wrong, or nothing answers', async () => {
    server = await startBeaconServer({
      adminToken: 'admin-token-for-tests',
      users: [{ username: 'alice', token: 'alice-token-1', role: 'user' }],
    });
    expect((await run({ serverUrl: server.url, token: 'wrong-token' })).steps).toEqual([
      'server:ok:reached',
      'signIn:failed:the server refused the sign-in (/notification/me: HTTP 401: invalid or expired token)',
    ]);
    expect((await run({ serverUrl: `${server.url}/wrong/prefix`, token: 'alice-token-1' })).steps[0]).toMatch(
      /^server:failed:reached, but it has no Beacon endpoints/,
    );
    const port = server.port;
    await server.close();
    server = null;
    expect((await run({ serverUrl: `http://127.0.0.1:${port}`, token: 'x' })).steps[0]).toMatch(
      /^server:failed:\/notification\/me: cannot reach the server/,
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
        'server:failed:/notification/me: the server answered with a redirect, which Beacon does not follow: ' +
          'set the server URL to the final address',
      ]);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
      await elsewhere.close();
    }
  });
});
