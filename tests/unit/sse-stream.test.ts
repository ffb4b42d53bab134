import type { EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it, vi } from 'vitest';
import { MAX_EVENT_DATA_CHARS, openEventStream, type StreamHandlers } from '@/utils/connection/sse-stream';
import { jsonResponse } from '../helpers/fake-fetch';

const request = {
  url: 'https://notify.test/notification/socket_connection',
  headers: { Authorization: 'Bearer t0k3n' },
  credentials: 'omit' as const,
  lastEventId: null,
};

function streamOf(chunks: Array<string | Uint8Array>, contentType = 'text/event-stream; charset=utf-8'): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': contentType } });
}

function collect() {
  const events: EventSourceMessage[] = [];
  const handlers: StreamHandlers & { retries: number[]; oversized: number[]; opened: number; activity: number } = {
    retries: [],
    oversized: [],
    opened: 0,
    activity: 0,
    onOpen: () => void handlers.opened++,
    onEvent: (event) => void events.push(event),
    onOversizedEvent: (size) => void handlers.oversized.push(size),
    onRetry: (ms) => void handlers.retries.push(ms),
    onActivity: () => void handlers.activity++,
  };
  return { events, handlers };
}

/** Splits text into random chunks (seeded), including splits inside multi-byte characters. */
function randomChunks(text: string, seed: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(random() * 7);
    chunks.push(bytes.slice(i, i + size));
    i += size;
  }
  return chunks;
}

const STREAM =
  ': connected\n\nid: a.1\ndata: {"notice_type":0,"title":"héllo ✓"}\n\n: ping\n\nevent: resync\nid: a.2\ndata: {"reason":"replay_unavailable"}\n\nretry: 2500\n\nid: a.3\ndata: {"notice_type":2,\ndata: "unread_count":4}\n\n';

describe('openEventStream', () => {
  it('parses events, ids, types, multi-line data and retry, in any chunking', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const { events, handlers } = collect();
      const end = await openEventStream(request, handlers, new AbortController().signal, async () =>
        streamOf(randomChunks(STREAM, seed)),
      );
      expect(end).toEqual({ type: 'closed' });
      expect(handlers.opened).toBe(1);
      expect(handlers.retries).toEqual([2500]);
      expect(events.map((event) => [event.id, event.event, event.data])).toEqual([
        ['a.1', undefined, '{"notice_type":0,"title":"héllo ✓"}'],
        ['a.2', 'resync', '{"reason":"replay_unavailable"}'],
        ['a.3', undefined, '{"notice_type":2,\n"unread_count":4}'],
      ]);
    }
  });

  it('accepts CRLF and CR line ends and a leading BOM', async () => {
    // A lone CR at the very end may still be half of a CRLF, so the CR-only case goes on with a heartbeat.
    for (const text of ['\uFEFFid: 1\r\ndata: x\r\n\r\n', 'id: 1\rdata: x\r\r: ping\r\r', '\uFEFFid: 1\ndata: x\n\n']) {
      const { events, handlers } = collect();
      await openEventStream(request, handlers, new AbortController().signal, async () => streamOf([text]));
      expect(events.map((event) => [event.id, event.data])).toEqual([['1', 'x']]);
    }
  });

  it('sends auth headers, Accept and Last-Event-ID, never the token in the URL', async () => {
    const fetchFn = vi.fn(async () => streamOf([]));
    await openEventStream(
      { ...request, lastEventId: 'a.7' },
      collect().handlers,
      new AbortController().signal,
      fetchFn,
    );
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(request.url);
    expect(init.headers).toEqual({
      Accept: 'text/event-stream',
      Authorization: 'Bearer t0k3n',
      'Last-Event-ID': 'a.7',
    });
  });

  it('drops an oversized event and keeps reading', async () => {
    const big = 'x'.repeat(MAX_EVENT_DATA_CHARS + 1);
    const { events, handlers } = collect();
    const end = await openEventStream(request, handlers, new AbortController().signal, async () =>
      streamOf([`data: ${big.slice(0, 40_000)}`, `${big.slice(40_000)}\n\n`, 'data: after\n\n']),
    );
    expect(end.type).toBe('closed');
    expect(handlers.oversized).toEqual([MAX_EVENT_DATA_CHARS + 1]);
    expect(events.map((event) => event.data)).toEqual(['after']);
  });

  it('ends with protocol-error when megabytes arrive without an event boundary', async () => {
    const chunk = 'data: ' + 'y'.repeat(1024 * 1024);
    const end = await openEventStream(request, collect().handlers, new AbortController().signal, async () =>
      streamOf([chunk, 'y'.repeat(1024 * 1024), 'y'.repeat(1024)]),
    );
    expect(end.type).toBe('protocol-error');
  });

  it('reports 204, wrong content type and HTTP errors with the server message and Retry-After', async () => {
    const signal = new AbortController().signal;
    expect(
      await openEventStream(request, collect().handlers, signal, async () => new Response(null, { status: 204 })),
    ).toEqual({ type: 'no-content' });
    expect(
      await openEventStream(request, collect().handlers, signal, async () => streamOf(['<html>'], 'text/html')),
    ).toEqual({
      type: 'bad-content-type',
      contentType: 'text/html',
    });
    expect(
      await openEventStream(request, collect().handlers, signal, async () =>
        jsonResponse(503, { error: 'down for maintenance' }, { 'Retry-After': '7' }),
      ),
    ).toEqual({ type: 'http-error', status: 503, retryAfter: '7', message: 'down for maintenance' });
    expect(
      await openEventStream(
        request,
        collect().handlers,
        signal,
        async () => new Response('oops', { status: 500, statusText: 'Internal' }),
      ),
    ).toMatchObject({
      type: 'http-error',
      status: 500,
      message: '', // not the protocol's JSON error: the status alone is shown
    });
  });

  it('reports network errors, and aborts as aborted', async () => {
    const failing = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await openEventStream(request, collect().handlers, new AbortController().signal, failing)).toEqual({
      type: 'network-error',
      message: 'Failed to fetch',
    });
    const controller = new AbortController();
    const pending = openEventStream(request, collect().handlers, controller.signal, async (_url, init) => {
      const body = new ReadableStream({
        start(c) {
          init?.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
    });
    controller.abort();
    expect(await pending).toEqual({ type: 'aborted' });
  });
});
