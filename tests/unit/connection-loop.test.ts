import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionLoop } from '@/utils/connection/connection-loop';
import { HEARTBEAT_LATE_MS, STALL_TIMEOUT_MS } from '@/utils/protocol/wire';
import type { ConnectionInfo } from '@/utils/snapshot/snapshot';
import { openEventStream } from '@/utils/connection/sse-stream';
import { FakeFetch, jsonResponse } from '../helpers/fake-fetch';

const URL = 'https://notify.test/notification/socket_connection';

/** The stream callbacks a test does not look at. */
const IGNORED_STREAM_CALLBACKS = { onOpen() {}, onEvent() {}, onOversizedEvent() {}, onActivity() {} };

function setup(random = () => 0.5) {
  const server = new FakeFetch();
  const states: ConnectionInfo[] = [];
  const events: string[] = [];
  // The loop's owner keeps the id (in Beacon, the reducer); this one keeps every id it sees.
  let lastEventId: string | null = null;
  const loop = new ConnectionLoop({
    open: (id, handlers, signal) =>
      openEventStream({ url: URL, headers: {}, credentials: 'omit', lastEventId: id }, handlers, signal, server.fetch),
    getLastEventId: () => lastEventId,
    onStateChange: (state) => void states.push(state),
    onOpen: () => {},
    onEvent: (event) => {
      if (event.id !== undefined) lastEventId = event.id;
      events.push(event.data);
    },
    onOversizedEvent: () => {},
    onActivity: () => {},
    random,
  });
  const attempts = () => server.countRequests('/socket_connection');
  const status = () => states.at(-1)?.status;
  return { server, loop, states, events, attempts, status };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ConnectionLoop', () => {
  it('goes live, follows events, and opens the next attempt with the last event id its owner keeps', async () => {
    const { server, loop, events, status } = setup();
    loop.start();
    const stream = await server.nextStream();
    await vi.advanceTimersByTimeAsync(0);
    expect(status()).toBe('live');
    stream.push('id: e.1\ndata: one\n\nid: e.2\ndata: two\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['one', 'two']);
    stream.end();
    const next = server.nextStream();
    await vi.advanceTimersByTimeAsync(1000);
    expect((await next).request.headers['Last-Event-ID']).toBe('e.2');
    loop.stop();
  });

  it('never gives up: keeps trying with capped, jittered delays while the server is down', async () => {
    const { server, loop, attempts, states } = setup(() => 0.999);
    for (let i = 0; i < 200; i++) server.queueStreamAnswer(jsonResponse(502, { error: 'bad gateway' }));
    loop.start();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    // Waits of ~1+1+1+2+4+8+16 s, then ~30 s each: 26 attempts in 10 minutes, not a storm and not zero.
    expect(attempts()).toBe(26);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    // Then one attempt about every 30 s (each wait is just under 30 s), for as long as it takes.
    expect(attempts() - 26).toBeGreaterThanOrEqual(120);
    expect(attempts() - 26).toBeLessThanOrEqual(121);
    const waits = states.filter((state) => state.retryAt !== null);
    expect(waits.at(-1)!.status).toBe('error');
    expect(waits.at(-1)!.reason).toEqual({ code: 'http', status: 502, detail: 'bad gateway' });
    loop.stop();
  });

  it('stops on 401 and 403 until started again', async () => {
    for (const status of [401, 403]) {
      const { server, loop, attempts, status: current } = setup();
      server.queueStreamAnswer(jsonResponse(status, { error: 'token expired' }));
      loop.start();
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(attempts()).toBe(1);
      expect(current()).toBe('signed-out');
      expect(loop.isRunning).toBe(false);
      loop.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(attempts()).toBe(2);
      expect(current()).toBe('live');
      loop.stop();
    }
  });

  it('does not reconnect after 204 or a wrong content type', async () => {
    for (const answer of [
      new Response(null, { status: 204 }),
      new Response('<html>', { headers: { 'Content-Type': 'text/html' } }),
    ]) {
      const { server, loop, attempts, status } = setup();
      server.queueStreamAnswer(answer);
      loop.start();
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(attempts()).toBe(1);
      expect(status()).toBe('stopped');
    }
  });

  it('honours Retry-After on 429 and 503, never retrying sooner', async () => {
    for (const status of [429, 503]) {
      const { server, loop, attempts } = setup(() => 0);
      server.queueStreamAnswer(jsonResponse(status, { error: 'slow down' }, { 'Retry-After': '20' }));
      loop.start();
      await vi.advanceTimersByTimeAsync(19_900);
      expect(attempts()).toBe(1);
      await vi.advanceTimersByTimeAsync(200);
      expect(attempts()).toBe(2);
      loop.stop();
    }
  });

  it('uses retry: from the server as the backoff base', async () => {
    const { server, loop, attempts } = setup(() => 0.999);
    loop.start();
    const stream = await server.nextStream();
    stream.push('retry: 8000\n\n');
    await vi.advanceTimersByTimeAsync(0);
    stream.end();
    await vi.advanceTimersByTimeAsync(7000);
    expect(attempts()).toBe(1);
    await vi.advanceTimersByTimeAsync(1100);
    expect(attempts()).toBe(2);
    loop.stop();
  });

  it('treats 45 s without a byte as a dead connection, but not heartbeats every 15 s', async () => {
    const { server, loop, attempts } = setup(() => 0);
    loop.start();
    const stream = await server.nextStream();
    for (let i = 0; i < 8; i++) {
      await vi.advanceTimersByTimeAsync(15_000);
      stream.push(': ping\n\n');
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts()).toBe(1);
    await vi.advanceTimersByTimeAsync(STALL_TIMEOUT_MS + 10);
    expect(stream.aborted).toBe(true);
    expect(attempts()).toBe(2);
    loop.stop();
  });

  it('heartbeats late: still live, with the reason; a byte clears it; the stream stalls at 45 s unless kept', async () => {
    const { server, loop, states, attempts } = setup();
    loop.start();
    const stream = await server.nextStream();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_LATE_MS - 1);
    expect(states.at(-1)).toEqual({ status: 'live', retryAt: null, reason: null });
    await vi.advanceTimersByTimeAsync(1);
    expect(states.at(-1)).toEqual({ status: 'live', retryAt: null, reason: { code: 'buffered', seconds: 20 } });
    stream.push(': heartbeat\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toEqual({ status: 'live', retryAt: null, reason: null });
    // Late again, after bytes flowed: a dead connection, not a buffered one. Kept by nobody, even when asked: stalled
    // 45 s after the last byte, as before.
    await vi.advanceTimersByTimeAsync(HEARTBEAT_LATE_MS);
    loop.keepStream();
    await vi.advanceTimersByTimeAsync(STALL_TIMEOUT_MS - HEARTBEAT_LATE_MS);
    expect(states.at(-1)!.reason).toEqual({ code: 'stalled', seconds: 45 });
    expect(attempts()).toBe(1);
    loop.stop();
  });

  it('a stream held before its headers (Firefox answers fetch with the first byte): connecting, with the reason, after 20 s', async () => {
    const states: ConnectionInfo[] = [];
    const loop = new ConnectionLoop({
      open: (_id, _handlers, signal) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve({ type: 'aborted' }))),
      getLastEventId: () => null,
      onStateChange: (state) => void states.push(state),
      ...IGNORED_STREAM_CALLBACKS,
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_LATE_MS);
    expect(states.at(-1)).toEqual({ status: 'connecting', retryAt: null, reason: { code: 'buffered', seconds: 20 } });
    loop.stop();
  });

  it('a late stream its owner keeps (the server answers REST) stays open, but not past 5 minutes without a byte', async () => {
    const { server, loop, states } = setup();
    loop.start();
    await server.nextStream();
    // Kept by a check every 15 s: the last one within 5 minutes of the last byte (the headers) re-arms the watchdog.
    for (let t = 15_000; t < 5 * 60_000; t += 15_000) {
      await vi.advanceTimersByTimeAsync(15_000);
      loop.keepStream();
    }
    expect(states.at(-1)!.reason).toEqual({ code: 'buffered', seconds: 20 });
    await vi.advanceTimersByTimeAsync(15_000);
    loop.keepStream(); // 5 minutes without a byte: no longer kept
    await vi.advanceTimersByTimeAsync(STALL_TIMEOUT_MS - 15_000 - 1);
    expect(states.at(-1)!.reason).toEqual({ code: 'buffered', seconds: 20 });
    await vi.advanceTimersByTimeAsync(1);
    expect(states.at(-1)!.reason).toEqual({ code: 'stalled', seconds: 45 });
    loop.stop();
  });

  it('starts the backoff over after a connection that stayed up', async () => {
    const { server, loop, attempts } = setup(() => 0.999);
    for (let i = 0; i < 5; i++) server.queueStreamAnswer(jsonResponse(500, { error: 'x' }));
    loop.start();
    await vi.advanceTimersByTimeAsync(1 + 2 + 4 + 8 + 16 + 1 * 1000 * 31);
    expect(attempts()).toBe(6);
    const stream = server.streams.at(-1)!;
    await vi.advanceTimersByTimeAsync(10_000);
    stream.end();
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts()).toBe(7); // first step again: under 1 s
    loop.stop();
  });

  it('wake() skips a pending wait; stop() cancels everything', async () => {
    const { server, loop, attempts } = setup(() => 0.999);
    server.queueStreamAnswer(jsonResponse(500, { error: 'x' }), jsonResponse(500, { error: 'x' }));
    loop.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts()).toBe(2);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts()).toBe(3);
    loop.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(attempts()).toBe(3);
    expect(server.streams.at(-1)!.aborted).toBe(true);
  });

  it('wake() does not cut short a wait the server asked for with Retry-After', async () => {
    const { server, loop, attempts } = setup(() => 0);
    server.queueStreamAnswer(
      jsonResponse(503, { error: 'maintenance' }, { 'Retry-After': '120' }),
      jsonResponse(500, { error: 'x' }),
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts()).toBe(1);
    loop.wake(); // the watchdog alarm, 30 s in
    await vi.advanceTimersByTimeAsync(30_000);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts()).toBe(1);
    await vi.advanceTimersByTimeAsync(90_000);
    expect(attempts()).toBe(2); // then a 500: an ordinary backoff, which a wake-up may skip again
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts()).toBe(3);
    loop.stop();
  });

  it.each([
    ['Last-Event-ID', 'reconnects at once without it', 2, 'connecting'],
    ['Authorization', 'stops until the settings change', 1, 'stopped'],
  ])('a refused %s header: %s', async (header, _outcome, attempts, status) => {
    let lastEventId: string | null = 'e.7';
    const opened: Array<string | null> = [];
    const states: ConnectionInfo[] = [];
    const loop = new ConnectionLoop({
      open: async (id) => {
        opened.push(id);
        return opened.length === 1 ? { type: 'request-rejected', header } : new Promise<never>(() => {});
      },
      getLastEventId: () => lastEventId,
      onStateChange: (state) => void states.push(state),
      ...IGNORED_STREAM_CALLBACKS,
      // The owner (the reducer) drops a refused Last-Event-ID.
      onRequestRejected: (name) => {
        if (name === 'Last-Event-ID') lastEventId = null;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(opened).toEqual(attempts === 2 ? ['e.7', null] : ['e.7']);
    expect(states.at(-1)!.status).toBe(status);
    loop.stop();
  });

  it('shows offline while the browser is offline, and reconnects within a second of the network coming back, even without an online event', async () => {
    let online = false;
    const server = new FakeFetch();
    const states: ConnectionInfo[] = [];
    const loop = new ConnectionLoop({
      open: (id, handlers, signal) =>
        openEventStream(
          { url: URL, headers: {}, credentials: 'omit', lastEventId: id },
          handlers,
          signal,
          online
            ? server.fetch
            : async () => {
                throw new TypeError('Failed to fetch');
              },
        ),
      getLastEventId: () => null,
      onStateChange: (state) => void states.push(state),
      ...IGNORED_STREAM_CALLBACKS,
      isOnline: () => online,
      random: () => 0.999,
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(34_000); // long offline: the backoff has reached its 30 s cap
    expect(states.at(-1)).toMatchObject({ status: 'offline', reason: { code: 'offline' } });
    expect(states.at(-1)!.retryAt! - Date.now()).toBeGreaterThan(10_000);
    online = true;
    const stream = server.nextStream();
    await vi.advanceTimersByTimeAsync(1000);
    await stream;
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)!.status).toBe('live');
    loop.stop();
  });
});
