import { describe, expect, it } from 'vitest';
import { getZeroCounts } from '@/utils/protocol/categories';
import { getEmptySnapshot, normalizeSnapshot } from '@/utils/snapshot/snapshot';
import { flat, oneAccount } from '../helpers/account-snapshot';

describe('normalizeSnapshot', () => {
  it('keeps a well-formed snapshot as it is', () => {
    const snapshot = oneAccount({
      accountKey: 'https://notify.test|token|',
      counts: { ...getZeroCounts(), likes: 3 },
      countsKnown: true,
      connection: { status: 'error' as const, retryAt: 5, reason: { code: 'http' as const, status: 503, detail: 'x' } },
      lastEventId: 'abc.7',
      lastEventAt: 1_764_900_000_000,
    });
    expect(normalizeSnapshot(structuredClone(snapshot))).toEqual(snapshot);
  });

  it("turns an older version's text reasons and any broken field into empty values, never an exception", () => {
    const stored = {
      accountKey: 'https://notify.test|token|',
      counts: { likes: -4, stars: 2.5, comments: '7', system: 1e300, manager: 2 },
      connection: { status: 'reconnecting', retryAt: 'soon', reason: 'the server closed the stream' },
      lastError: 'HTTP 500: boom',
      latest: { system: 'not a notice', manager: { title: 'Hi', content: '' } },
      diagnostics: { eventsReceived: 12, malformedEvents: NaN },
      role: 42,
      lastEventAt: 'a minute ago',
    };
    const snapshot = flat(normalizeSnapshot(stored));
    expect(snapshot.lastEventAt).toBeNull();
    expect(snapshot.counts).toEqual({ likes: 0, stars: 0, comments: 0, system: 0, manager: 2, report_email: 0 });
    expect(snapshot.connection).toEqual({ status: 'reconnecting', retryAt: null, reason: null });
    expect(snapshot.lastError).toBeNull();
    expect(snapshot.latest.system).toBeNull();
    expect(snapshot.latest.manager).toMatchObject({ title: 'Hi' });
    expect(snapshot.diagnostics).toMatchObject({ eventsReceived: 12, malformedEvents: 0, unhandledErrors: 0 });
    expect(snapshot.role).toBeNull();
    for (const value of [null, undefined, 'x', 7, [], { connection: { status: 'bogus' } }, { accounts: 'x' }]) {
      expect(normalizeSnapshot(value).accounts).toEqual([]);
    }
  });
});

/** Every shape of `storage.local`'s `snapshot` an earlier version wrote: each is read without losing what counts. */
describe('normalizeSnapshot: the stored shapes of earlier versions (issue #25, migration)', () => {
  it('a single-account snapshot (fields at the top level) is the account "main", counts and Last-Event-ID kept', () => {
    const stored = {
      accountKey: 'https://notify.test/api|token|',
      counts: { ...getZeroCounts(), likes: 3, system: 1 },
      countsKnown: true,
      role: 'manager',
      latest: {
        system: { id: 9, title: 'Maintenance', content: 'tonight', url: null, createdAt: null },
        manager: null,
      },
      connection: { status: 'live', retryAt: null, reason: null },
      lastEventId: 'x.41',
      lastError: null,
      lastSyncedAt: 1_764_000_000_000,
      lastEventAt: 1_764_000_100_000,
      diagnostics: { ...getEmptySnapshot().diagnostics, eventsReceived: 40, reconnects: 2 },
    };
    const { accounts, diagnostics } = normalizeSnapshot(stored);
    expect(accounts).toEqual([
      {
        id: 'main',
        label: '',
        serverUrl: 'https://notify.test/api',
        accountKey: 'https://notify.test/api|token|',
        counts: { ...getZeroCounts(), likes: 3, system: 1 },
        countsKnown: true,
        role: 'manager',
        latest: { system: expect.objectContaining({ id: 9, title: 'Maintenance' }), manager: null },
        connection: { status: 'live', retryAt: null, reason: null },
        lastEventId: 'x.41',
        lastError: null,
        lastSyncedAt: 1_764_000_000_000,
        lastEventAt: 1_764_000_100_000,
      },
    ]);
    expect(diagnostics).toMatchObject({ eventsReceived: 40, reconnects: 2 });
  });

  it('a single-account snapshot of an unconfigured Beacon (accountKey null) is no account', () => {
    const stored = { accountKey: null, counts: getZeroCounts(), connection: { status: 'unconfigured' } };
    expect(normalizeSnapshot(stored).accounts).toEqual([]);
  });

  it('the oldest shape (no countsKnown, text reasons, no diagnostics) still keeps its account and Last-Event-ID', () => {
    const stored = {
      accountKey: 'https://old.test|username|alice',
      counts: { likes: 2 },
      connection: { status: 'error', reason: 'HTTP 503' },
      lastEventId: '17',
    };
    const [account] = normalizeSnapshot(stored).accounts;
    expect(account).toMatchObject({
      id: 'main',
      serverUrl: 'https://old.test',
      accountKey: 'https://old.test|username|alice',
      countsKnown: false,
      counts: { likes: 2 },
      lastEventId: '17',
      connection: { status: 'error', reason: null },
    });
  });

  it('the several-accounts shape keeps each account in order; a broken or repeated one is dropped, at most 10', () => {
    const account = (id: unknown, extra: object = {}) => ({
      ...oneAccount().accounts[0]!,
      id,
      label: `L-${String(id)}`,
      ...extra,
    });
    const stored = {
      accounts: [
        account('b'),
        account('a', { counts: { likes: 5 }, lastEventId: 'a.1' }),
        account('b'),
        account(''),
        account(7),
        account('c', { accountKey: null }),
        account('x'.repeat(65)),
        'garbage',
        ...Array.from({ length: 12 }, (_, i) => account(`n${i}`)),
      ],
      diagnostics: { heartbeats: 3 },
    };
    const { accounts, diagnostics } = normalizeSnapshot(stored);
    // The first 10 stored entries are looked at (a bound on the work), of which these are usable.
    expect(accounts.map(({ id }) => id)).toEqual(['b', 'a', 'n0', 'n1']);
    expect(accounts[1]).toMatchObject({ label: 'L-a', counts: { likes: 5 }, lastEventId: 'a.1' });
    expect(diagnostics.heartbeats).toBe(3);
    const many = { accounts: Array.from({ length: 12 }, (_, i) => account(`n${i}`)) };
    expect(normalizeSnapshot(many).accounts.map(({ id }) => id)).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}`));
  });

  it('a stored label or server URL is cut to its cap; an id that could not be sent back is dropped', () => {
    const stored = {
      accounts: [
        { ...oneAccount().accounts[0]!, label: 'x'.repeat(500), serverUrl: 'y'.repeat(5000), lastEventId: 'a\nb' },
      ],
    };
    const [account] = normalizeSnapshot(stored).accounts;
    expect(account!.label).toHaveLength(40);
    expect(account!.serverUrl.length).toBeLessThanOrEqual(2048);
    expect(account!.lastEventId).toBeNull();
  });
});
