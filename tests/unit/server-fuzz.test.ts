/**
 * Property-based fuzzing of the background core against a server that sends anything (issue #14): random streams
 * (ids, retry:, counts, event types, garbage) and random REST answers (statuses, Retry-After, bodies that are wrong,
 * huge, or never come). Invariants: nothing thrown escapes, counts stay non-negative integers, every header Beacon
 * sends can be sent, every delay is within bounds, and once the server behaves the badge converges to its counts.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_RETRY_AFTER_MS } from '@/utils/connection/server-input';
import type { Clock } from '@/utils/lib/clock';
import { getVisibleCategories, CATEGORIES, type Category } from '@/utils/protocol/categories';
import { getExpectedBadgeText } from '../drivers/badge-title';
import { createHarness, makeSettings } from '../helpers/service-harness';

const SENDABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

const idArb = fc.oneof(
  fc.stringMatching(/^[a-z0-9.]{1,12}$/),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant('i'.repeat(20 * 1024)),
);
const countArb = fc.oneof(
  fc.integer({ min: -5, max: 300 }),
  fc.double(),
  fc.constantFrom(1e20, 2 ** 53, -0, null, '7', [], {}),
);
const eventArb = fc
  .record({
    id: fc.option(idArb),
    event: fc.option(fc.constantFrom('message', 'resync', 'other')),
    data: fc.oneof(
      fc.record({ notice_type: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.string()), unread_count: countArb }),
      fc.record({ notice_type: fc.integer({ min: 0, max: 5 }), kind: fc.constantFrom('read', 'notice', 9) }),
      fc.string(),
    ),
  })
  .map(({ id, event, data }) => {
    const lines = [event && `event: ${event}`, id !== null && `id: ${id.replace(/[\r\n]/g, '')}`];
    lines.push(`data: ${typeof data === 'string' ? data.replace(/[\r\n]/g, '') : JSON.stringify(data)}`);
    return `${lines.filter(Boolean).join('\n')}\n\n`;
  });
const chunkArb = fc.oneof(
  eventArb,
  fc.oneof(fc.nat(), fc.constantFrom(1e15, 2 ** 31, 0)).map((ms) => `retry: ${ms}\n\n`),
  fc.string({ maxLength: 40 }),
  fc.constant(': ping\n\n'),
);
const retryAfterArb = fc.option(
  fc.oneof(
    fc.nat().map(String),
    fc.constantFrom('999999999', 'Fri, 31 Dec 9999 23:59:59 GMT', '-5', '1e9', 'Infinity', String(2 ** 31)),
    fc.string({ maxLength: 10 }),
  ),
);
type StreamAnswer =
  { kind: 'stream'; chunks: string[]; end: boolean } | { kind: 'status'; status: number; retryAfter: string | null };
const streamAnswerArb: fc.Arbitrary<StreamAnswer> = fc.oneof(
  fc.record({ kind: fc.constant('stream' as const), chunks: fc.array(chunkArb, { maxLength: 8 }), end: fc.boolean() }),
  fc.record({
    kind: fc.constant('status' as const),
    status: fc.constantFrom(500, 502, 503, 429, 404, 400, 401, 204, 431),
    retryAfter: retryAfterArb,
  }),
);
type RestAnswer =
  | { kind: 'json'; unread_count: unknown }
  | { kind: 'status'; status: number; retryAfter: string | null }
  | { kind: 'garbage'; text: string }
  | { kind: 'hang' | 'huge' };
const restAnswerArb: fc.Arbitrary<RestAnswer> = fc.oneof(
  fc.record({ kind: fc.constant('json' as const), unread_count: countArb }),
  fc.record({
    kind: fc.constant('status' as const),
    status: fc.constantFrom(500, 503, 429, 404),
    retryAfter: retryAfterArb,
  }),
  fc.record({ kind: fc.constant('garbage' as const), text: fc.string({ maxLength: 30 }) }),
  fc.record({ kind: fc.constantFrom('hang' as const, 'huge' as const) }),
);

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-24T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

function openStream(
  chunks: string[],
  end: boolean,
  signal: AbortSignal | null | undefined,
  heartbeats = false,
): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (end) return controller.close();
      // A server that behaves sends its heartbeat every 15 s (protocol §7.1); a fuzzed one says nothing more.
      const heartbeat = heartbeats ? setInterval(() => controller.enqueue(encoder.encode(': ping\n\n')), 15_000) : null;
      signal?.addEventListener('abort', () => {
        if (heartbeat) clearInterval(heartbeat);
        controller.error(new DOMException('aborted', 'AbortError'));
      });
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

describe('the background core against a server that sends anything', () => {
  it('keeps its invariants, and converges once the server behaves', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(streamAnswerArb, { minLength: 1, maxLength: 6 }),
        fc.array(restAnswerArb, { minLength: 1, maxLength: 12 }),
        fc.record(Object.fromEntries(CATEGORIES.map((c) => [c, fc.integer({ min: 0, max: 150 })]))),
        async (streamAnswers, restAnswers, truthRecord) => {
          const truth = truthRecord as Record<Category, number>;
          const problems: string[] = [];
          let behaving = false;
          let streamIndex = 0;
          let restIndex = 0;
          const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
            const url = new URL(String(input));
            for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) {
              if (!SENDABLE.test(value)) problems.push(`unsendable ${name} header`);
              if (name === 'Last-Event-ID' && value.length > 128) problems.push('Last-Event-ID over 128 characters');
            }
            const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
              new Response(JSON.stringify(body), {
                status,
                headers: { 'Content-Type': 'application/json', ...headers },
              });
            if (url.pathname.endsWith('/socket_connection')) {
              const answer = behaving ? null : streamAnswers[streamIndex++ % streamAnswers.length]!;
              if (!answer) return openStream([], false, init.signal, true);
              if (answer.kind === 'stream') return openStream(answer.chunks, answer.end, init.signal);
              if (answer.status === 204) return new Response(null, { status: 204 });
              return json(
                answer.status,
                { error: 'fuzz' },
                answer.retryAfter === null ? {} : { 'Retry-After': answer.retryAfter },
              );
            }
            if (url.pathname.endsWith('/notification/me')) return json(200, { username: 'alice', role: 'user' });
            const category = url.pathname.split('/').pop() as Category;
            if (behaving) return json(200, { data: [], unread_count: truth[category] });
            const answer = restAnswers[restIndex++ % restAnswers.length]!;
            switch (answer.kind) {
              case 'json':
                return json(200, { data: [], unread_count: answer.unread_count });
              case 'status':
                return json(
                  answer.status,
                  { error: 'fuzz' },
                  answer.retryAfter === null ? {} : { 'Retry-After': answer.retryAfter },
                );
              case 'garbage':
                return new Response(answer.text, { headers: { 'Content-Type': 'application/json' } });
              case 'huge':
                return new Response(`{"pad":"${'x'.repeat(1_100_000)}","unread_count":1}`);
              case 'hang':
                return new Promise<Response>((_resolve, reject) =>
                  init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
                );
            }
          }) as typeof fetch;
          const clock: Clock = {
            now: () => Date.now(),
            setTimeout: (callback, ms) => {
              if (!(ms >= 0 && ms <= MAX_RETRY_AFTER_MS)) problems.push(`a delay of ${ms} ms`);
              return setTimeout(callback, ms);
            },
            clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
          };
          const h = createHarness(fetchFn, makeSettings(), undefined, { clock, random: () => 0.5 });
          await h.core.start();
          for (let step = 0; step < 20; step++) {
            await vi.advanceTimersByTimeAsync(3000);
            const { counts } = h.snapshot();
            for (const category of CATEGORIES)
              if (!Number.isSafeInteger(counts[category]) || counts[category] < 0)
                problems.push(`count ${category} = ${counts[category]}`);
          }
          behaving = true;
          await vi.advanceTimersByTimeAsync(MAX_RETRY_AFTER_MS + 60_000);
          // A 401 or 204 waits for the user by design (protocol §7.4): the user presses Retry.
          if (['signed-out', 'stopped'].includes(h.snapshot().connection.status)) h.core.reconnect();
          await vi.advanceTimersByTimeAsync(60_000);
          const total = getVisibleCategories('user').reduce((sum, category) => sum + truth[category], 0);
          expect(h.logs.filter((line) => /unhandled/.test(line))).toEqual([]);
          expect(problems).toEqual([]);
          expect(h.snapshot().connection.status).toBe('live');
          expect(h.badge()).toBe(getExpectedBadgeText(total));
          await h.apply({ ...makeSettings(), serverUrl: '' }); // closes the session
          vi.clearAllTimers();
        },
      ),
      { numRuns: 40, seed: 14 },
    );
  });
});
