// @vitest-environment node
/** A slow or greedy client: timeouts for non-stream requests, a connection cap and a total stream cap. */
import { describe, expect, it } from 'vitest';
import { ALICE, ROOT, auth, start, stream } from '../helpers/server-fixture';
import { openRaw, parseRawResponse } from '../helpers/raw-http';

const host = (url: string) => new URL(url).host;

describe('timeouts', () => {
  it('answers 408 JSON and closes when a promised body never comes', async () => {
    const server = await start({ bodyTimeoutMs: 300 });
    const raw = await openRaw(
      server.url,
      `POST /notification/likes/read HTTP/1.1\r\nHost: ${host(server.url)}\r\nAuthorization: Bearer ${ALICE.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 65000\r\n\r\n',
    );
    const answer = parseRawResponse(await raw.closed(3000));
    expect(answer.status).toBe(408);
    expect(answer.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(answer.body).error).toMatch(/body/);
  });

  it('answers 408 JSON and closes when the headers never end', async () => {
    const server = await start({ headersTimeoutMs: 300 });
    const raw = await openRaw(server.url, `GET /healthz HTTP/1.1\r\nHost: ${host(server.url)}\r\n`);
    const answer = parseRawResponse(await raw.closed(3000));
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error).toMatch(/headers/);
  });

  it('closes a kept-alive connection that stays idle', async () => {
    const server = await start({ idleTimeoutMs: 300 });
    const raw = await openRaw(server.url, `GET /healthz HTTP/1.1\r\nHost: ${host(server.url)}\r\n\r\n`);
    expect(parseRawResponse(await raw.closed(3000)).status).toBe(200);
  });

  it('keeps event streams open past every timeout', async () => {
    const server = await start({ headersTimeoutMs: 200, bodyTimeoutMs: 200, idleTimeoutMs: 200, heartbeatMs: 5000 });
    const events = await stream(server);
    await events.waitFor(': connected');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.streamCount()).toBe(1);
  });
});

describe('caps', () => {
  it('answers 503 JSON with Retry-After beyond the connection cap, and serves again once below', async () => {
    const server = await start({ maxConnections: 2 });
    const held = [await openRaw(server.url), await openRaw(server.url)];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await response.json()).error).toMatch(/connections/);
    for (const raw of held) raw.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers 503 JSON with Retry-After beyond the total stream cap, whoever asks', async () => {
    const server = await start({ maxStreams: 1 });
    const first = await stream(server);
    await first.waitFor(': connected');
    const second = await stream(server, auth(ROOT.token));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(second.headers.get('content-type')).toMatch(/application\/json/);
  });
});
