// @vitest-environment node
import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startBeaconServer, type BeaconServer } from '../../server/app';
import { startFaultProxy, type FaultProxy } from '../reliability/fault-proxy';

const ALICE = { username: 'alice', token: 'alice-token-123', role: 'user' };
const AUTH = { Authorization: `Bearer ${ALICE.token}` };

let server: BeaconServer;
let proxy: FaultProxy;
const openRequests: Array<{ destroy(): void }> = [];

afterEach(async () => {
  for (const request of openRequests) request.destroy();
  await proxy?.close();
  await server?.close().catch(() => {});
});

async function start() {
  server = await startBeaconServer({ adminToken: 'admin-token-for-tests', users: [ALICE], heartbeatMs: 60_000 });
  proxy = await startFaultProxy({ target: () => server.url });
}

/** Raw bytes of the stream through the proxy, with the number of separate chunks they came in. */
function openRawStream() {
  const chunks: Buffer[] = [];
  let status = 0;
  const opened = new Promise<void>((resolve, reject) => {
    const request = get(
      `${proxy.url}/notification/socket_connection`,
      { headers: { ...AUTH, Accept: 'text/event-stream' } },
      (res) => {
        status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        resolve();
      },
    );
    request.on('error', reject);
    openRequests.push(request);
  });
  const bytes = () => Buffer.concat(chunks);
  return {
    opened,
    status: () => status,
    bytes,
    chunkCount: () => chunks.length,
    async waitFor(text: string, timeoutMs = 3000) {
      const started = Date.now();
      while (!bytes().toString('utf8').includes(text)) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`timed out waiting for ${text}; got ${JSON.stringify(bytes().toString('utf8'))}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

describe('fault proxy', () => {
  it('forwards requests unchanged and records them', async () => {
    await start();
    await server.store.publish('alice', { notice_type: 2 });
    const response = await fetch(`${proxy.url}/notification/comments?page=1&limit=1`, { headers: AUTH });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { unread_count: number }).unread_count).toBe(1);
    expect(proxy.requests).toMatchObject([
      {
        method: 'GET',
        url: '/notification/comments?page=1&limit=1',
        outcome: 'forwarded',
        authorization: `Bearer ${ALICE.token}`,
      },
    ]);
  });

  it('answers with an injected status and JSON error, for the stream only or for everything', async () => {
    await start();
    proxy.answerWith({ status: 503, headers: { 'Retry-After': '7' }, scope: 'stream' });
    const stream = await fetch(`${proxy.url}/notification/socket_connection`, { headers: AUTH });
    expect(stream.status).toBe(503);
    expect(stream.headers.get('retry-after')).toBe('7');
    expect(await stream.json()).toEqual({ error: 'injected fault: HTTP 503' });
    expect((await fetch(`${proxy.url}/notification/me`, { headers: AUTH })).status).toBe(200);

    proxy.answerWith({ status: 401, scope: 'all' });
    expect((await fetch(`${proxy.url}/notification/me`, { headers: AUTH })).status).toBe(401);
    proxy.clearAnswer();
    expect((await fetch(`${proxy.url}/notification/me`, { headers: AUTH })).status).toBe(200);
  });

  it('reframes the stream with a BOM, CRLF line ends and 1-byte chunks without changing its events', async () => {
    await start();
    proxy.setFraming({ bom: true, crlf: true, chunkBytes: 1 });
    const stream = openRawStream();
    await stream.opened;
    await stream.waitFor(': connected');
    await server.store.publish('alice', { notice_type: 0, title: 'hello' });
    await stream.waitFor('"unread_count":1}\r\n\r\n');
    expect(stream.bytes().toString('utf8')).toContain('"title":"hello"');
    const bytes = stream.bytes();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).not.toMatch(/[^\r]\n/);
    expect(stream.chunkCount()).toBeGreaterThan(50);
  });

  it('injects raw bytes between upstream events, stalls and drops streams', async () => {
    await start();
    const stream = openRawStream();
    await stream.opened;
    await stream.waitFor(': connected');
    expect(proxy.inject(Buffer.from('data: {"notice_type":\xff}\n\n', 'latin1'))).toBe(1);
    await stream.waitFor('notice_type');
    expect(stream.bytes().includes(Buffer.from([0xff]))).toBe(true);

    proxy.stallStreams();
    await server.store.publish('alice', { notice_type: 0, title: 'held back' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.bytes().toString('utf8')).not.toContain('held back');
    expect(proxy.openStreams()).toBe(1);
    proxy.dropStreams();
    expect(proxy.openStreams()).toBe(0);
  });

  it('while away, connections are refused and open streams are cut; then it comes back on the same port', async () => {
    await start();
    const stream = openRawStream();
    await stream.opened;
    await proxy.goAway();
    expect(proxy.openStreams()).toBe(0);
    await expect(fetch(`${proxy.url}/notification/me`, { headers: AUTH })).rejects.toThrow();
    await proxy.comeBack();
    expect((await fetch(`${proxy.url}/notification/me`, { headers: AUTH })).status).toBe(200);
  });

  it('answers 502 with a JSON error when the server behind it is down', async () => {
    await start();
    await server.close();
    const response = await fetch(`${proxy.url}/notification/me`, { headers: AUTH });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'upstream is down' });
  });
});
