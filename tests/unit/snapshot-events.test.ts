import { describe, expect, it } from 'vitest';
import {
  applyFetchedCategories,
  applyNoticeEvent,
  getMissedCounts,
  isCatchUp,
} from '@/utils/background/snapshot-events';
import type { NoticeEvent } from '@/utils/connection/notice-event';
import { getZeroCounts } from '@/utils/protocol/categories';
import type { AccountSnapshot, Notice } from '@/utils/snapshot/snapshot';
import { oneAccount } from '../helpers/account-snapshot';

const notice: Notice = { id: 'n-1', title: 'Hello', content: '', url: null, createdAt: null };
const userSnapshot = (counts: Partial<AccountSnapshot['counts']> = {}): AccountSnapshot =>
  oneAccount({ role: 'user', counts: { ...getZeroCounts(), ...counts } }).accounts[0]!;
const event = (change: Partial<NoticeEvent>): NoticeEvent => ({
  category: 'system',
  unreadCount: null,
  kind: 'notice',
  notice: null,
  refusedItem: false,
  ...change,
});

describe('applyNoticeEvent', () => {
  it('takes the count from the event, shows the notice and announces it', () => {
    const outcome = applyNoticeEvent(userSnapshot(), event({ unreadCount: 3, notice }), false);
    expect(outcome.countSet).toBe(true);
    expect(outcome.change.counts?.system).toBe(3);
    expect(outcome.change.latest?.system).toEqual(notice);
    expect(outcome.latest).toEqual(notice);
    expect(outcome.effects).toEqual([{ type: 'announce', category: 'system', notice, catchUp: false }]);
  });

  it('a read event lowers the count and announces nothing', () => {
    const outcome = applyNoticeEvent(
      userSnapshot({ likes: 5 }),
      event({ category: 'likes', unreadCount: 0, kind: 'read' }),
      false,
    );
    expect(outcome.change.counts?.likes).toBe(0);
    expect(outcome.effects).toEqual([]);
  });

  it('a legacy event refetches, then announces the refetched newest item', () => {
    const outcome = applyNoticeEvent(userSnapshot(), event({ category: 'comments' }), true);
    expect(outcome).toMatchObject({ countSet: false, change: {} });
    expect(outcome.effects).toEqual([{ type: 'refetch', category: 'comments', announceAfter: { catchUp: true } }]);
  });

  it('an event without a count but with text announces at once and refetches the count', () => {
    const outcome = applyNoticeEvent(userSnapshot(), event({ notice }), false);
    expect(outcome.effects.map((effect) => effect.type)).toEqual(['announce', 'refetch']);
  });

  it('ignores report emails for a user whose role may not see them', () => {
    const outcome = applyNoticeEvent(userSnapshot(), event({ category: 'report_email', unreadCount: 4 }), false);
    expect(outcome).toEqual({ change: {}, countSet: false, latest: null, effects: [] });
  });
});

describe('applyFetchedCategories', () => {
  it('keeps a count an event set after the fetch started, and applies the rest in one change', () => {
    const change = applyFetchedCategories(
      userSnapshot({ likes: 9 }),
      [
        { category: 'likes', unreadCount: 2, latest: null, fresh: false },
        { category: 'system', unreadCount: 1, latest: notice, fresh: true },
      ],
      1234,
    );
    expect(change.counts).toMatchObject({ likes: 9, system: 1 });
    expect(change.latest?.system).toEqual(notice);
    expect(change.lastSyncedAt).toBe(1234);
  });
});

describe('catch-up and missed counts', () => {
  it('tells replays from news by created_at, or by the replay window after a resume', () => {
    const timing = { openedAt: 100_000, now: 100_500, resumed: true };
    expect(isCatchUp({ ...notice, createdAt: new Date(90_000).toISOString() }, timing)).toBe(true);
    expect(isCatchUp({ ...notice, createdAt: new Date(99_000).toISOString() }, timing)).toBe(false);
    expect(isCatchUp(null, timing)).toBe(true);
    expect(isCatchUp(null, { ...timing, now: 102_000 })).toBe(false);
    expect(isCatchUp(null, { ...timing, resumed: false })).toBe(false);
  });

  it('counts only categories that gained items', () => {
    const before = userSnapshot({ likes: 2, stars: 5 }).counts;
    const after = userSnapshot({ likes: 4, stars: 1 }).counts;
    expect(getMissedCounts(before, after, ['likes', 'stars', 'comments'])).toEqual([{ category: 'likes', missed: 2 }]);
  });
});
