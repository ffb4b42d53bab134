/**
 * The connection test's findings, one per way a server can behave, against scripted servers (fake fetch, fake
 * timers): what the options page shows an operator, and that the test stays within its 25 s.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runConnectionTest, type TestStepResult } from '@/utils/connection/connection-test';
import { CATEGORIES } from '@/utils/protocol/categories';
import { FakeFetch, jsonResponse } from '../helpers/fake-fetch';
import { makeSettings } from '../helpers/service-harness';

/** What a scripted stream sends: [ms after the headers, text], for the Last-Event-ID it was opened with. */
type StreamScript = (lastEventId: string | null) => Array<[number, string]> | Response;

interface ScriptedServer {
  stream: StreamScript;
  items?: unknown[];
  me?: (url: URL, init: RequestInit) => Response | Promise<Response>;
}

const PING = ': ping\n\n';
const resync = (id: string) => `event: resync\nid: ${id}\ndata: {"reason":"replay_unavailable"}\n\n`;
/** A server as the protocol asks: opening comment, heartbeat at 15 s, resync for ids it cannot know, replay else. */
const protocolStream: StreamScript = (lastEventId) => [
  [0, ': connected\n\n' + (lastEventId !== null && lastEventId !== 'e.9' ? resync('e.9') : '')],
  [15_000, PING],
];

function serve({ stream, items = [], me }: ScriptedServer) {
  const fake = new FakeFetch();
  const streams: Array<{ lastEventId: string | null; aborted: () => boolean }> = [];
  fake.route('/notification/me', me ?? jsonResponse(200, { username: 'alice', role: 'user' }));
  for (const category of CATEGORIES)
    fake.route(`/notification/${category}`, jsonResponse(200, { data: items, unread_count: 2, total: items.length }));
  const fetchFn: typeof fetch = async (input, init = {}) => {
    const url = new URL(String(input));
    if (!url.pathname.endsWith('/notification/socket_connection')) return fake.fetch(input, init);
    const lastEventId = (init.headers as Record<string, string>)['Last-Event-ID'] ?? null;
    const script = stream(lastEventId);
    if (script instanceof Response) return script;
    const signal = init.signal!;
    streams.push({ lastEventId, aborted: () => signal.aborted });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const timers = script.map(([at, text]) =>
          setTimeout(() => {
            if (text === 'END') controller.close();
            else controller.enqueue(encoder.encode(text));
          }, at),
        );
        signal.addEventListener('abort', () => {
          timers.forEach(clearTimeout);
          controller.error(new DOMException('aborted', 'AbortError'));
        });
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  };
  return { fetchFn, streams };
}

async function runTest(server: ReturnType<typeof serve>, getHttpVersion?: (url: string) => string | null) {
  const steps: TestStepResult[] = [];
  const startedAt = Date.now();
  let finishedAt = 0;
  const done = runConnectionTest(makeSettings(), { fetch: server.fetchFn, getHttpVersion }, (step) =>
    steps.push(step),
  ).finally(() => (finishedAt = Date.now()));
  await vi.advanceTimersByTimeAsync(30_000);
  const ok = await done;
  const find = (step: TestStepResult['step']) => steps.filter((result) => result.step === step).at(-1);
  return { ok, steps, find, seconds: (finishedAt - startedAt) / 1000 };
}

const event = (fields: Record<string, unknown>, id?: string) =>
  `${id ? `id: ${id}\n` : ''}data: ${JSON.stringify(fields)}\n\n`;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the connection test reports what the server does', () => {
  it('a protocol server: heartbeat at 15 s, ids, replay; events it happens to send say counts and read events', async () => {
    const server = serve({
      stream: (lastEventId) =>
        lastEventId === null
          ? [
              [0, ': connected\n\n'],
              [2_000, event({ notice_type: 2, unread_count: 3, id: 'n-1', title: 'Hi' }, 'e.8')],
              [3_000, event({ notice_type: 2, unread_count: 2, kind: 'read' }, 'e.9')],
              [15_000, PING],
            ]
          : protocolStream(lastEventId),
      items: [{ id: 'n-1', notice_type: 2, title: 'Hi', read: false }],
    });
    const { ok, steps, find, seconds } = await runTest(server);
    expect(ok).toBe(true);
    expect(steps.map(({ step, verdict }) => `${step}:${verdict}`)).toEqual([
      'server:ok',
      'signIn:ok',
      'counts:ok',
      'itemIds:ok',
      'httpVersion:unknown',
      'stream:ok',
      'heartbeat:pending',
      'heartbeat:ok',
      'eventIds:ok',
      'countsInEvents:ok',
      'readEvents:ok',
      'replay:ok',
    ]);
    expect(find('heartbeat')!.outcome).toEqual({ kind: 'heartbeat', seconds: 15, late: false });
    expect(find('eventIds')!.outcome).toEqual({ kind: 'event-ids', count: 3 }); // two events and the resync
    expect(find('countsInEvents')!.outcome).toEqual({ kind: 'counts-in-events', events: 2 });
    expect(find('readEvents')!.outcome).toEqual({ kind: 'read-events', events: 1 });
    expect(find('itemIds')!.outcome).toEqual({ kind: 'item-ids', checked: 5, refused: 0 });
    expect(seconds).toBe(15); // ended by the heartbeat, not by the 20 s wait
    // The probes: an id the server cannot know, then the server's own latest id; every stream closed at the end.
    expect(server.streams.map((stream) => stream.lastEventId)).toEqual([null, 'beacon-connection-test', 'e.9']);
    expect(server.streams.every((stream) => stream.aborted())).toBe(true);
  });

  it('legacy events (no unread_count): refetched, one request per event and category, at most 3.6 a second', async () => {
    const server = serve({
      stream: (id) =>
        id === null
          ? [
              [0, ': connected\n\n' + event({ notice_type: 0 }, 'e.1')],
              [15_000, PING],
            ]
          : protocolStream(id),
    });
    const { find } = await runTest(server);
    expect(find('countsInEvents')).toEqual({
      step: 'countsInEvents',
      verdict: 'note',
      outcome: { kind: 'counts-refetched', events: 1, perSecond: 3.6 },
    });
    expect(find('readEvents')).toMatchObject({ verdict: 'unknown', outcome: { kind: 'read-events-unseen' } });
  });

  it('events without ids, and a server that ignores Last-Event-ID', async () => {
    const server = serve({
      stream: () => [
        [0, ': hi\n\n' + event({ notice_type: 1, unread_count: 1 })],
        [5_000, PING],
      ],
    });
    const { find } = await runTest(server);
    expect(find('eventIds')).toMatchObject({ verdict: 'note', outcome: { kind: 'no-event-ids', events: 1 } }); // the live stream's: a probe's copy is not counted again
    expect(find('replay')).toMatchObject({ verdict: 'note', outcome: { kind: 'ignores-last-event-id' } });
  });

  it('a server that answers resync even to its own latest id: resync only', async () => {
    const server = serve({
      stream: (id) => [
        [0, ': connected\n\n' + (id === null ? '' : resync('e.9'))],
        [15_000, PING],
      ],
    });
    const { find } = await runTest(server);
    expect(find('replay')).toMatchObject({ verdict: 'note', outcome: { kind: 'resync-only' } });
    expect(find('eventIds')).toMatchObject({ verdict: 'ok', outcome: { kind: 'event-ids', count: 2 } });
  });

  it('a buffering proxy: headers, then not one byte in 20 s; the whole test still ends by 25 s', async () => {
    const server = serve({ stream: () => [] });
    const { ok, find, seconds } = await runTest(server);
    expect(ok).toBe(false);
    expect(find('heartbeat')).toEqual({
      step: 'heartbeat',
      verdict: 'failed',
      outcome: { kind: 'buffered', seconds: 20 },
    });
    expect(find('replay')).toMatchObject({ verdict: 'unknown', outcome: { kind: 'replay-unknown' } });
    expect(find('eventIds')).toMatchObject({ verdict: 'unknown', outcome: { kind: 'no-events', seconds: 20 } });
    expect(seconds).toBeLessThanOrEqual(25);
    expect(server.streams.every((stream) => stream.aborted())).toBe(true);
  });

  it('an opening comment and then nothing: no heartbeat (the opening burst is not one)', async () => {
    const server = serve({ stream: (id) => [[0, ': connected\n\n' + (id ? resync('e.1') : '')]] });
    const { find } = await runTest(server);
    expect(find('heartbeat')).toMatchObject({ verdict: 'failed', outcome: { kind: 'no-heartbeat', seconds: 20 } });
  });

  it('a heartbeat later than 15 s is a note, not a pass', async () => {
    const server = serve({ stream: (id) => (id === null ? [[18_000, PING]] : protocolStream(id)) });
    const { find } = await runTest(server);
    expect(find('heartbeat')).toMatchObject({
      verdict: 'note',
      outcome: { kind: 'heartbeat', seconds: 18, late: true },
    });
  });

  it('a stream cut before any heartbeat (a balancer) fails the heartbeat step with the reason', async () => {
    const server = serve({
      stream: (id) =>
        id === null
          ? [
              [0, ': connected\n\n'],
              [3_000, 'END'],
            ]
          : protocolStream(id),
    });
    const { find } = await runTest(server);
    expect(find('heartbeat')).toMatchObject({
      verdict: 'failed',
      outcome: { kind: 'failed', reason: { code: 'closed' } },
    });
  });

  it('items whose ids Beacon cannot send back (too long, missing) are counted for mark-one-read', async () => {
    const items = [
      { id: 'n-1', notice_type: 0, title: 'fine' },
      { id: 'x'.repeat(129), notice_type: 0, title: 'too long' },
      { notice_type: 0, title: 'no id' },
    ];
    const { find } = await runTest(serve({ stream: protocolStream, items }));
    expect(find('itemIds')).toEqual({
      step: 'itemIds',
      verdict: 'note',
      outcome: { kind: 'item-ids', checked: 15, refused: 10 },
    });
  });

  it('the HTTP version, where the browser tells', async () => {
    const h2 = await runTest(serve({ stream: protocolStream }), () => 'h2');
    expect(h2.find('httpVersion')).toEqual({
      step: 'httpVersion',
      verdict: 'ok',
      outcome: { kind: 'http-version', protocol: 'h2' },
    });
    const asked: string[] = [];
    const one = await runTest(serve({ stream: protocolStream }), (url) => (asked.push(url), 'http/1.1'));
    expect(one.find('httpVersion')).toMatchObject({ verdict: 'note', outcome: { protocol: 'http/1.1' } });
    expect(asked).toEqual(['https://notify.test/api']);
  });

  it('a server that never answers /me fails the first step at 5 s, and the stream it opened is closed', async () => {
    const server = serve({
      stream: protocolStream,
      me: (_, init) =>
        new Promise<Response>((_resolve, reject) =>
          init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    });
    const { ok, steps, seconds } = await runTest(server);
    expect(ok).toBe(false);
    expect(steps).toEqual([
      {
        step: 'server',
        verdict: 'failed',
        outcome: { kind: 'failed', reason: { code: 'timeout', seconds: 5, path: '/notification/me' } },
      },
    ]);
    expect(seconds).toBe(5);
    expect(server.streams.every((stream) => stream.aborted())).toBe(true);
  });

  it('a stream answered with something else than an event stream fails the stream step', async () => {
    const server = serve({ stream: () => new Response('<html>', { headers: { 'Content-Type': 'text/html' } }) });
    const { steps } = await runTest(server);
    expect(steps.at(-1)).toMatchObject({
      step: 'stream',
      verdict: 'failed',
      outcome: { kind: 'failed', reason: { code: 'not-event-stream' } },
    });
  });
});
