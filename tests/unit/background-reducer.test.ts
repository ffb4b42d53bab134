// The background's one reducer, table by table: (state, action, now) → (state, effects), without timers, fetch or
// browser fakes. What the badge and popup then show is getSnapshot(state).
import { describe, expect, it } from 'vitest';
import type { Action, SessionAction } from '@/utils/background/background-actions';
import { reduce } from '@/utils/background/background-reducer';
import { getSnapshot, getStateFromSnapshot, type BackgroundState } from '@/utils/background/background-state';
import type { RoleSetting } from '@/utils/settings/settings';
import { getZeroCounts } from '@/utils/protocol/categories';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { flat, oneAccount } from '../helpers/account-snapshot';
import { makeSettings } from '../helpers/service-harness';

const NOW = Date.parse('2026-12-05T10:00:00Z');
const KEY = 'https://notify.test/api|token|';
/** The account's id (its key is KEY). */
const ID = 'main';
/** The account's settings, with its role. */
const account = (role: RoleSetting = 'user', serverUrl = 'https://notify.test/api') =>
  makeSettings({ id: ID, role, serverUrl });

/** Runs actions in order from `state`; returns the last state and every effect. */
function run(state: BackgroundState, ...actions: Action[]) {
  const effects = [];
  for (const action of actions) {
    const result = reduce(state, action, NOW);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects, snapshot: flat(getSnapshot(state)), full: getSnapshot(state) };
}

const on = (action: SessionAction): Action => ({ ...action, account: ID }) as Action;
const message = (data: object | string, id?: string, event?: string): Action =>
  on({ type: 'streamMessage', message: { data: typeof data === 'string' ? data : JSON.stringify(data), id, event } });
const empty = () => getStateFromSnapshot(getEmptySnapshot());
/** One account, live, role user. */
const live = () =>
  run(
    empty(),
    { type: 'accountsConfigured', accounts: [account('user')] },
    on({ type: 'connectionChanged', connection: { status: 'live', retryAt: null, reason: null } }),
    on({ type: 'streamOpened', resumed: false }),
  ).state;

describe('the background reducer: accounts and start', () => {
  it('a worker start shows the persisted numbers at once, connecting, with workerStartedAt now', () => {
    const persisted = oneAccount({ counts: { ...oneAccount().accounts[0]!.counts, likes: 3 } });
    persisted.accounts[0]!.connection = {
      status: 'signed-out',
      retryAt: null,
      reason: { code: 'http', status: 401, detail: '' },
    };
    const { snapshot } = run(empty(), { type: 'started', snapshot: persisted });
    expect(snapshot).toMatchObject({ accountKey: KEY, counts: { likes: 3 }, connection: { status: 'connecting' } });
    expect(snapshot.diagnostics.workerStartedAt).toBe(NOW);
  });

  it.each([
    ['the same account keeps its numbers', 'https://notify.test/api', KEY, 3],
    ['another account starts from zero', 'https://other.test', 'https://other.test|token|', 0],
  ])('%s', (_name, serverUrl, key, likes) => {
    const persisted = oneAccount({ counts: { ...oneAccount().accounts[0]!.counts, likes: 3 } });
    const { snapshot, effects } = run(
      empty(),
      { type: 'started', snapshot: persisted },
      { type: 'accountsConfigured', accounts: [account('auto', serverUrl)] },
    );
    expect(snapshot.accountKey).toBe(key);
    expect(snapshot.counts.likes).toBe(likes);
    // Another key: the account's notifications and cached lists of the old one go.
    expect(effects).toEqual(key === KEY ? [] : [{ type: 'forgetAccount', account: ID }]);
  });

  it('no account: unconfigured, empty, and Beacon’s notifications are cleared', () => {
    const { full, effects } = run(live(), { type: 'accountsConfigured', accounts: [] });
    expect(full.accounts).toEqual([]);
    expect(effects).toEqual([{ type: 'forgetAccount', account: ID }, { type: 'clearNotifications' }]);
  });

  it('a role fixed in the settings is the role; with "auto", the server\'s; report e-mails hidden from a user read 0', () => {
    const configured = (role: 'admin' | 'auto'): Action => ({
      type: 'accountsConfigured',
      accounts: [account(role)],
    });
    const fixed = run(empty(), configured('admin'), message({ notice_type: 5, unread_count: 2 }));
    expect(fixed.snapshot).toMatchObject({ role: 'admin', counts: { report_email: 2 } });
    const said = run(fixed.state, on({ type: 'roleFetched', role: 'user' }));
    expect(said.snapshot.role).toBe('admin'); // the setting wins
    const auto = run(said.state, configured('auto'));
    expect(auto.snapshot).toMatchObject({ role: 'user', counts: { report_email: 0 } });
  });

  it('keeps the user’s order (ids like "10" and "2" too), takes a duplicate id once, leaves out an unusable server', () => {
    const accounts = [
      makeSettings({ id: '10', label: 'Ten', serverUrl: 'https://ten.test' }),
      makeSettings({ id: '2', label: 'Two', serverUrl: 'https://two.test' }),
      makeSettings({ id: '2', label: 'Again', serverUrl: 'https://again.test' }),
      makeSettings({ id: 'x', serverUrl: 'http://insecure.example.com' }),
    ];
    const { full } = run(empty(), { type: 'accountsConfigured', accounts });
    expect(full.accounts.map(({ id, label, accountKey }) => [id, label, accountKey])).toEqual([
      ['10', 'Ten', 'https://ten.test|token|'],
      ['2', 'Two', 'https://two.test|token|'],
    ]);
  });

  it('an event on one account changes only that account', () => {
    const two = run(live(), {
      type: 'accountsConfigured',
      accounts: [account('user'), makeSettings({ id: 'other', serverUrl: 'https://other.test' })],
    });
    const { full } = run(two.state, message({ notice_type: 0, unread_count: 4 }, 'e.1'));
    expect(full.accounts.map(({ id, counts, lastEventId }) => [id, counts.likes, lastEventId])).toEqual([
      [ID, 4, 'e.1'],
      ['other', 0, null],
    ]);
  });

  it('an action for an account no longer configured changes nothing (a late answer of a closed session)', () => {
    const state = live();
    const late = reduce(state, { ...message({ notice_type: 0, unread_count: 9 }), account: 'gone' } as Action, NOW);
    expect(late.state).toBe(state);
    expect(late.effects).toEqual([]);
  });
});

describe('the background reducer: stream events', () => {
  it.each([
    [
      'an event with its count: set, shown, announced, no request',
      { notice_type: 3, unread_count: 4, title: 'Maintenance', id: 'n1' },
      { system: 4 },
      [
        {
          type: 'announce',
          account: ID,
          notice: expect.objectContaining({ category: 'system', title: 'Maintenance' }),
        },
      ],
    ],
    [
      'a legacy event: its category refetched, announced after the refetch',
      { notice_type: 2 },
      { comments: 0 },
      [{ type: 'refetch', account: ID, category: 'comments', announceAfter: { catchUp: false } }],
    ],
    ['a read event: the count, no announcement', { notice_type: 0, unread_count: 0, kind: 'read' }, { likes: 0 }, []],
    [
      'report e-mails for a user: not shown, not announced',
      { notice_type: 5, unread_count: 2 },
      { report_email: 0 },
      [],
    ],
  ])('%s', (_name, data, counts, effects) => {
    const result = run(live(), message(data, 'e.1'));
    expect(result.snapshot.counts).toMatchObject(counts);
    expect(result.effects).toEqual(effects);
    expect(result.snapshot.lastEventId).toBe('e.1');
    expect(result.snapshot.diagnostics.eventsReceived).toBe(1);
    // The popup says when the last one arrived: a count sync can be minutes old while events keep coming.
    expect(result.snapshot.lastEventAt).toBe(NOW);
  });

  it('a resync event asks for a sync that sums up what was missed', () => {
    const { effects } = run(live(), message('{}', 'r.1', 'resync'));
    expect(effects).toEqual([{ type: 'sync', account: ID, afterResync: true }]);
  });

  it('other event types are not ours: only the id and the received count change', () => {
    const { snapshot, effects } = run(live(), message({ notice_type: 0, unread_count: 5 }, 'p.1', 'ping'));
    expect(snapshot.counts.likes).toBe(0);
    expect(snapshot.lastEventId).toBe('p.1');
    expect(snapshot.lastEventAt).toBeNull();
    expect(effects).toEqual([]);
  });

  it.each([
    ['not JSON', 'nope', 'malformedEvents'],
    ['no notice_type', { title: 'x' }, 'malformedEvents'],
    ['an unknown notice_type', { notice_type: 9, unread_count: 1 }, 'unknownTypes'],
  ] as const)('%s: counted in diagnostics, logged the first time only, counts untouched', (_name, data, counter) => {
    const { snapshot, effects } = run(live(), message(data), message(data));
    expect(snapshot.diagnostics[counter]).toBe(2);
    expect(snapshot.lastEventAt).toBeNull();
    expect(effects.filter((effect) => effect.type === 'log')).toHaveLength(1);
    expect(snapshot.counts).toEqual(getZeroCounts());
  });

  it('an id that cannot be sent back is ignored and the last good one kept', () => {
    const { snapshot } = run(
      live(),
      message({ notice_type: 0 }, 'good.1'),
      message({ notice_type: 0 }, 'x'.repeat(500)),
    );
    expect(snapshot.lastEventId).toBe('good.1');
    expect(snapshot.diagnostics.rejectedEventIds).toBe(1);
  });

  it('a replayed event (created before the stream opened) is announced as catch-up', () => {
    const old = new Date(NOW - 60_000).toISOString();
    const { effects } = run(live(), message({ notice_type: 0, unread_count: 1, title: 'Ann', created_at: old }));
    expect(effects).toEqual([{ type: 'announce', account: ID, notice: expect.objectContaining({ catchUp: true }) }]);
  });
});

describe('the background reducer: snooze gate', () => {
  const event = message({ notice_type: 0, unread_count: 1, title: 'Ann liked' });
  it.each([
    ['snoozed until later: counted, not announced', { until: NOW + 60_000 }, 0],
    ['snoozed until turned back on: not announced', { until: null }, 0],
    ['a snooze that has ended: announced', { until: NOW - 1 }, 1],
    ['no snooze: announced', null, 1],
  ])('%s', (_name, snooze, announced) => {
    const { snapshot, effects } = run(live(), { type: 'snoozeChanged', snooze }, event);
    expect(snapshot.counts.likes).toBe(1);
    expect(effects.filter((effect) => effect.type === 'announce')).toHaveLength(announced);
  });
});

describe('the background reducer: counts from requests', () => {
  let requests = 0;
  const fetched = (unreadCount: number, version: number, order = ++requests): Action =>
    on({
      type: 'countsFetched',
      counts: [{ category: 'likes', version, order, unreadCount, latest: null }],
      complete: false,
    });

  it('an answer older than an event’s count does not overwrite it', () => {
    const withEvent = run(live(), message({ notice_type: 0, unread_count: 7 }));
    // The request started at version 0; the event made it 1.
    expect(run(withEvent.state, fetched(2, 0)).snapshot.counts.likes).toBe(7);
    expect(run(withEvent.state, fetched(2, 1)).snapshot.counts.likes).toBe(2);
  });

  it('a complete sync makes the counts known; after a resync, missed items become one summary per category', () => {
    const before = getZeroCounts();
    const counts = [
      { category: 'likes', version: 0, order: 1, unreadCount: 3, latest: null },
      { category: 'stars', version: 0, order: 1, unreadCount: 0, latest: null },
    ] as const;
    const { snapshot, effects } = run(
      live(),
      on({ type: 'countsFetched', counts: [...counts], complete: true, before }),
    );
    expect(snapshot.countsKnown).toBe(true);
    expect(effects).toEqual([
      {
        type: 'announce',
        account: ID,
        notice: expect.objectContaining({ category: 'likes', catchUp: true, count: 3 }),
      },
    ]);
  });

  it('marking items read lowers the count at once, never below zero, and a newer fetch cannot undo it', () => {
    const state = run(live(), message({ notice_type: 0, unread_count: 2 })).state;
    const { snapshot, state: after } = run(state, on({ type: 'countAdjusted', category: 'likes', by: -5 }));
    expect(snapshot.counts.likes).toBe(0);
    expect(run(after, fetched(2, 1)).snapshot.counts.likes).toBe(0); // started before the change
  });

  it('answers apply in the order their requests started: a slow request answering after its hedge is dropped', () => {
    const hedgeFirst = run(live(), fetched(5, 0, 2), fetched(3, 0, 1));
    expect(hedgeFirst.snapshot.counts.likes).toBe(5);
    const inOrder = run(live(), fetched(3, 0, 1), fetched(5, 0, 2));
    expect(inOrder.snapshot.counts.likes).toBe(5);
  });

  it('a request that started before an event set the count brings neither its count nor its older notice', () => {
    const sync: Action = on({
      type: 'countsFetched',
      counts: [{ category: 'system', version: 0, order: 1, unreadCount: 0, latest: null }],
      complete: true,
    });
    const { snapshot } = run(live(), message({ notice_type: 3, unread_count: 1, title: 'Maintenance' }), sync);
    expect(snapshot.counts.system).toBe(1);
    expect(snapshot.latest.system).toMatchObject({ title: 'Maintenance' });
  });

  it('categories marked read drop to zero', () => {
    const state = run(
      live(),
      message({ notice_type: 0, unread_count: 2 }),
      message({ notice_type: 1, unread_count: 4 }),
    );
    const { snapshot } = run(state.state, on({ type: 'categoriesRead', categories: ['likes', 'stars'] }));
    expect(snapshot.counts).toMatchObject({ likes: 0, stars: 0 });
  });
});

describe('the background reducer: failures', () => {
  const http = (status: number) => ({ code: 'http', status, detail: '' }) as const;

  it.each([401, 403])('a %i signs out once: the connection stops and one sign-in notification is shown', (status) => {
    const failed = on({ type: 'requestFailed', reason: http(status), retry: true });
    const { snapshot, effects } = run(live(), failed, failed);
    expect(snapshot.connection).toMatchObject({ status: 'signed-out', reason: http(status) });
    expect(effects).toEqual([
      { type: 'stopConnection', account: ID },
      { type: 'showSignIn', account: ID },
      { type: 'stopConnection', account: ID },
    ]);
  });

  it('any other failure is shown as the last error, and a sync is retried when asked', () => {
    const { snapshot, effects } = run(live(), on({ type: 'requestFailed', reason: http(503), retry: true }));
    expect(snapshot.connection.status).toBe('live');
    expect(snapshot.lastError).toEqual(http(503));
    expect(effects).toContainEqual({ type: 'retrySync', account: ID });
  });

  it.each([
    ['Last-Event-ID', null, 'dropped it, resyncing'],
    ['last-event-id', null, 'dropped it, resyncing'],
    ['Authorization', 'e.1', 'waiting for new settings'],
  ])('a refused %s header: id %s, and the log says "%s"', (header, lastEventId, said) => {
    const state = run(live(), message({ notice_type: 0 }, 'e.1')).state;
    const { snapshot, effects } = run(state, on({ type: 'requestRefused', header }));
    expect(snapshot.lastEventId).toBe(lastEventId);
    expect(snapshot.diagnostics.rejectedRequests).toBe(1);
    expect(effects).toEqual([{ type: 'log', level: 'warn', message: expect.stringContaining(said) }]);
  });

  it('a storage failure is recorded; only a healed one is written again', () => {
    const failure = { code: 'quota', at: NOW, healed: false } as const;
    const refused = reduce(live(), { type: 'storageFailed', failure }, NOW);
    expect(getSnapshot(refused.state).diagnostics.storageFailure).toEqual(failure);
    expect(refused.persist).toBe(false);
    expect(reduce(live(), { type: 'storageFailed', failure: { ...failure, healed: true } }, NOW).persist).toBe(true);
  });

  it('an error nothing caught is counted and logged every time', () => {
    const error: Action = { type: 'unhandledError', description: 'rejection: boom' };
    const { snapshot, effects } = run(live(), error, error);
    expect(snapshot.diagnostics.unhandledErrors).toBe(2);
    expect(effects).toEqual([
      { type: 'log', level: 'error', message: 'unhandled: rejection: boom' },
      { type: 'log', level: 'error', message: 'unhandled: rejection: boom' },
    ]);
  });
});
