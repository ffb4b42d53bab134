// @vitest-environment node
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendPublish } from '../../server/publish-client';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
const servers: Array<ReturnType<typeof createServer>> = [];

/** A loopback server answering each request with the next handler (the last one repeats). */
async function serve(...handlers: Handler[]): Promise<{ url: string; requests: number }> {
  const state = { url: '', requests: 0 };
  const server = createServer((request, response) => {
    const handler = handlers[Math.min(state.requests, handlers.length - 1)]!;
    state.requests += 1;
    request.resume();
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
const created = json(201, { id: 7, event_id: '1-0', unread_count: 3 });
const options = (waits: number[]) => ({
  adminToken: 'a'.repeat(20),
  sleep: async (ms: number) => void waits.push(ms),
});

describe('sendPublish (npm run publish)', () => {
  it('sends again after a 503 with Retry-After, as a publisher should (protocol §7.4)', async () => {
    const server = await serve(json(503, { error: 'store unavailable' }, { 'Retry-After': '2' }), created);
    const waits: number[] = [];
    const result = await sendPublish(server.url, { username: 'alice', notice_type: 0 }, options(waits));
    expect(result).toEqual({ id: 7, event_id: '1-0', unread_count: 3 });
    expect(server.requests).toBe(2);
    expect(waits).toEqual([2000]);
  });

  it('clamps an absurd Retry-After and gives up with the server error once the retry window is spent', async () => {
    const server = await serve(json(503, { error: 'store unavailable' }, { 'Retry-After': '999999999' }));
    const waits: number[] = [];
    await expect(
      sendPublish(server.url, { username: 'alice', notice_type: 0 }, { ...options(waits), retryWithinMs: 60_000 }),
    ).rejects.toThrow('503: store unavailable');
    expect(waits.every((ms) => ms <= 30_000)).toBe(true);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(60_000);
    expect(server.requests).toBe(waits.length + 1);
  });

  it('does not retry a 4xx other than 429, and says what the server said', async () => {
    const server = await serve(json(400, { error: 'notice_type must be 0..5' }));
    await expect(sendPublish(server.url, { username: 'alice', notice_type: 9 }, options([]))).rejects.toThrow(
      '400: notice_type must be 0..5',
    );
    expect(server.requests).toBe(1);
  });

  it('gives up on a server that never answers, within its deadline', async () => {
    const server = await serve(() => {});
    await expect(
      sendPublish(server.url, { username: 'alice', notice_type: 0 }, { ...options([]), deadlineMs: 300 }),
    ).rejects.toThrow(/no answer within 300 ms/);
  });

  it('refuses an answer larger than its cap instead of buffering it', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(`{"pad":"${'x'.repeat(200_000)}"}`);
    });
    await expect(sendPublish(server.url, { username: 'alice', notice_type: 0 }, options([]))).rejects.toThrow(
      /answer larger than/,
    );
  });
});
