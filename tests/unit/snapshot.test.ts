import { describe, expect, it } from 'vitest';
import { getEmptySnapshot, normalizeSnapshot } from '@/utils/snapshot/snapshot';

describe('normalizeSnapshot', () => {
  it('keeps a well-formed snapshot as it is', () => {
    const snapshot = {
      ...getEmptySnapshot(),
      accountKey: 'https://notify.test|token|',
      counts: { ...getEmptySnapshot().counts, likes: 3 },
      countsKnown: true,
      connection: { status: 'error' as const, retryAt: 5, reason: { code: 'http' as const, status: 503, detail: 'x' } },
      lastEventId: 'abc.7',
      lastEventAt: 1_764_900_000_000,
    };
    expect(normalizeSnapshot(structuredClone(snapshot))).toEqual(snapshot);
  });

  it("turns an older version's text reasons and any broken field into empty values, never an exception", () => {
    const stored = {
      counts: { likes: -4, stars: 2.5, comments: '7', system: 1e300, manager: 2 },
      connection: { status: 'reconnecting', retryAt: 'soon', reason: 'the server closed the stream' },
      lastError: 'HTTP 500: boom',
      latest: { system: 'not a notice', manager: { title: 'Hi', content: '' } },
      diagnostics: { eventsReceived: 12, malformedEvents: NaN },
      role: 42,
      lastEventAt: 'a minute ago',
    };
    const snapshot = normalizeSnapshot(stored);
    expect(snapshot.lastEventAt).toBeNull();
    expect(snapshot.counts).toEqual({ likes: 0, stars: 0, comments: 0, system: 0, manager: 2, report_email: 0 });
    expect(snapshot.connection).toEqual({ status: 'reconnecting', retryAt: null, reason: null });
    expect(snapshot.lastError).toBeNull();
    expect(snapshot.latest.system).toBeNull();
    expect(snapshot.latest.manager).toMatchObject({ title: 'Hi' });
    expect(snapshot.diagnostics).toMatchObject({ eventsReceived: 12, malformedEvents: 0, unhandledErrors: 0 });
    expect(snapshot.role).toBeNull();
    for (const value of [null, undefined, 'x', 7, [], { connection: { status: 'bogus' } }]) {
      expect(normalizeSnapshot(value).connection.status).toBe('unconfigured');
    }
  });
});
