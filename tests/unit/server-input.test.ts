import { describe, expect, it, vi } from 'vitest';
import { clampTimerDelay, MAX_TIMER_DELAY_MS, realClock } from '@/utils/lib/clock';
import { createApiClientForSettings } from '@/utils/connection/api-client';
import { getUnsendableHeader, redactHeaderValues } from '@/utils/connection/request-check';
import {
  getEventIdProblem,
  getRetryFieldDelay,
  MAX_COUNT,
  MAX_REST_BODY_BYTES,
  MAX_RETRY_AFTER_MS,
  MAX_RETRY_FIELD_MS,
  MIN_RETRY_FIELD_MS,
  parseCount,
  parseRetryAfter,
  readBodyCapped,
} from '@/utils/connection/server-input';
import { isValidItemId } from '@/utils/protocol/wire';
import { normalizeInboxCache } from '@/utils/snapshot/inbox-item';
import { normalizeSnapshot } from '@/utils/snapshot/snapshot';
import { makeSettings } from '../helpers/service-harness';

const now = Date.parse('2026-11-24T10:00:00Z');

describe('every delay is a delay a timer can hold', () => {
  it('clamps to [0, 2^31 - 1] ms; NaN is no delay', () => {
    expect(clampTimerDelay(2 ** 31)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampTimerDelay(Infinity)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampTimerDelay(-5)).toBe(0);
    expect(clampTimerDelay(Number.NaN)).toBe(0);
    expect(clampTimerDelay(1500)).toBe(1500);
  });

  it('applies to every timer of the clock Beacon runs on', () => {
    const setTimeout = vi.spyOn(globalThis, 'setTimeout');
    try {
      realClock.clearTimeout(realClock.setTimeout(() => {}, 999_999_999_000));
      expect(setTimeout).toHaveBeenLastCalledWith(expect.any(Function), MAX_TIMER_DELAY_MS);
    } finally {
      setTimeout.mockRestore();
    }
  });
});

describe('Retry-After and retry:', () => {
  it('clamps Retry-After, in seconds or as an HTTP date, to at most ten minutes', () => {
    expect(parseRetryAfter('999999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(MAX_RETRY_AFTER_MS); // Infinity seconds
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('clamps retry: to [0.5 s, 30 s] and ignores what is not a number', () => {
    expect(getRetryFieldDelay(1e15)).toBe(MAX_RETRY_FIELD_MS);
    expect(getRetryFieldDelay(0)).toBe(MIN_RETRY_FIELD_MS);
    expect(getRetryFieldDelay(Number.NaN)).toBeNull();
    expect(getRetryFieldDelay(Infinity)).toBeNull();
  });
});

describe('event ids (protocol §7.2)', () => {
  it('keeps sendable ids of at most 128 characters, and the empty id (a reset)', () => {
    expect(getEventIdProblem('k3j9x.18')).toBeNull();
    expect(getEventIdProblem('')).toBeNull();
    expect(getEventIdProblem('café-1')).toBeNull(); // Latin-1 can be sent
    expect(getEventIdProblem('x'.repeat(128))).toBeNull();
  });

  it('refuses what cannot be sent back as a header', () => {
    expect(getEventIdProblem('x'.repeat(129))).toBe('too-long');
    expect(getEventIdProblem('évènement-✓')).toBe('not-sendable');
    expect(getEventIdProblem('a\u0000b')).toBe('not-sendable');
    expect(getEventIdProblem('a\u0007b')).toBe('not-sendable');
    expect(getEventIdProblem(' padded ')).toBe('not-sendable'); // fetch would strip the spaces: another id
  });

  it('drops a stored id that could not be sent', () => {
    // A single-account version's snapshot: its one account.
    const stored = (lastEventId: string) =>
      normalizeSnapshot({ accountKey: 'k', lastEventId }).accounts[0]!.lastEventId;
    expect(stored('évènement-✓')).toBeNull();
    expect(stored('i'.repeat(20 * 1024))).toBeNull();
    expect(stored('e.7')).toBe('e.7');
  });
});

describe('item ids (protocol §5, §7.5)', () => {
  it('are text of 1 to 128 characters, or a JSON number that is a safe integer of at least 0', () => {
    for (const id of ['n-42', '42', 'k'.repeat(128), 0, 42, Number.MAX_SAFE_INTEGER]) {
      expect(isValidItemId(id), String(id)).toBe(true);
    }
    for (const id of ['', 'k'.repeat(129), -1, 1.5, 2 ** 53, NaN, Infinity, null, true, {}, [1]]) {
      expect(isValidItemId(id), String(id)).toBe(false);
    }
  });

  it('come back from storage in the type the server used: the latest notices and the inbox cache', () => {
    const notice = (id: unknown) => ({ id, title: 'Maintenance', content: '', url: null, createdAt: null });
    const stored = { accounts: [{ id: 'a', accountKey: 'k', latest: { system: notice(42), manager: notice('42') } }] };
    const [account] = normalizeSnapshot(stored).accounts;
    expect([account!.latest.system?.id, account!.latest.manager?.id]).toEqual([42, '42']);
    const cache = normalizeInboxCache({
      accountKey: 'https://notify.test|token|',
      lists: {
        comments: {
          items: [notice(42), notice('42'), notice(0), notice(1.5), notice(-1)].map((item) => ({
            ...item,
            read: false,
          })),
          page: 1,
          hasMore: false,
          loadedAt: 1,
        },
      },
    });
    expect(cache.accounts.main!.lists.comments?.items.map((item) => item.id)).toEqual([42, '42', 0]);
  });
});

describe('counts', () => {
  it('are integers from 0 to MAX_COUNT', () => {
    expect(parseCount(7)).toBe(7);
    for (const value of [-1, 1.5, Number.NaN, Infinity, MAX_COUNT + 1, '3', null, 2 ** 60]) {
      expect(parseCount(value)).toBeNull();
    }
  });
});

describe('REST answers', () => {
  const body = (chunks: number, size: number) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < chunks; i++) controller.enqueue(new Uint8Array(size).fill(0x20));
          controller.close();
        },
      }),
    );

  it('are read up to the cap, and no further', async () => {
    await expect(readBodyCapped(body(4, 1024))).resolves.toHaveLength(4096);
    await expect(readBodyCapped(body(17, 64 * 1024))).rejects.toThrow(`body over ${MAX_REST_BODY_BYTES} bytes`);
  });

  it('that are too large fail the call with a reason, not a hang or a wrong count', async () => {
    const fetchFn = async () =>
      new Response(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}","unread_count":0}`, {
        headers: { 'Content-Type': 'application/json' },
      });
    const api = createApiClientForSettings(makeSettings(), fetchFn as typeof fetch);
    await expect(api.getCategorySummary('likes')).rejects.toMatchObject({
      reason: { code: 'too-large', path: '/notification/likes' },
    });
  });

  it('that trickle are abandoned at the deadline', async () => {
    vi.useFakeTimers();
    try {
      const fetchFn = async (_input: unknown, init: RequestInit) =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              const timer = setInterval(() => controller.enqueue(new Uint8Array([0x20])), 1000);
              init.signal?.addEventListener('abort', () => {
                clearInterval(timer);
                controller.error(new DOMException('aborted', 'AbortError'));
              });
            },
          }),
        );
      const api = createApiClientForSettings(makeSettings(), fetchFn as typeof fetch);
      const call = api.getCategorySummary('likes');
      const outcome = expect(call).rejects.toMatchObject({ reason: { code: 'timeout', seconds: 15 } });
      await vi.advanceTimersByTimeAsync(15_000);
      await outcome;
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('values Beacon sends', () => {
  it('finds a header fetch would refuse', () => {
    expect(getUnsendableHeader({ Authorization: 'Bearer abc', 'Last-Event-ID': 'e.1' })).toBeNull();
    expect(getUnsendableHeader({ Authorization: 'Bearer abc\r\nX: 1' })).toBe('Authorization');
    expect(getUnsendableHeader({ 'Last-Event-ID': 'évènement-✓' })).toBe('Last-Event-ID');
  });

  it('never quotes a header value in an error text', () => {
    const headers = { Authorization: 'Bearer s3cret-token' };
    const text = "Failed to execute 'fetch': 'Bearer s3cret-token' is not valid; token s3cret-token";
    expect(redactHeaderValues(text, headers)).not.toContain('s3cret');
  });

  it('a token fetch refuses fails the call before the network, with the header named and the token not quoted', async () => {
    const fetchFn = vi.fn();
    const api = createApiClientForSettings(makeSettings({ token: 'abc\ndef' }), fetchFn as typeof fetch);
    const failure = await api.getMe().catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: { code: 'unsendable-header', header: 'Authorization' } });
    expect(JSON.stringify(failure)).not.toContain('abc');
    expect(fetchFn).not.toHaveBeenCalled();
  });
});
