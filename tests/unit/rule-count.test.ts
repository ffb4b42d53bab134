/**
 * One rule for a count (an unread count, a page's total, a stored count or diagnostics counter): an integer from 0
 * to MAX_COUNT, and every caller held to it, whether the value came from a server or from storage.
 */
import { describe, expect, it } from 'vitest';
import { parseItemPage } from '@/utils/connection/item-page';
import { parseNoticeEvent } from '@/utils/connection/notice-event';
import { isValidCount, MAX_COUNT, parseCount } from '@/utils/connection/server-input';
import { normalizeSnapshot } from '@/utils/snapshot/snapshot';

const COUNTS: Array<[value: unknown, count: number | null, why: string]> = [
  [0, 0, 'nothing unread'],
  [7, 7, 'a count'],
  [MAX_COUNT, MAX_COUNT, 'the cap'],
  [-0, 0, 'minus zero (JSON "-0") is zero'],
  [MAX_COUNT + 1, null, 'over the cap: a broken server'],
  [2 ** 53, null, 'beyond a safe integer'],
  [-1, null, 'negative'],
  [1.5, null, 'a fraction'],
  [Number.NaN, null, 'NaN'],
  [Infinity, null, 'Infinity'],
  ['3', null, 'a string'],
  [null, null, 'null'],
  [undefined, null, 'absent'],
  [true, null, 'a boolean'],
  [[3], null, 'an array'],
  [{ valueOf: () => 3 }, null, 'an object'],
];

describe('a valid count', () => {
  it.each(COUNTS)('%s → %s (%s)', (value, count) => {
    expect(isValidCount(value)).toBe(count !== null);
    expect(parseCount(value)).toBe(count);
  });

  it.each(COUNTS)('%s as a stored count is kept only when valid (else 0)', (value, count) => {
    // Both stored shapes: a single-account version's, and one account of several.
    const single = normalizeSnapshot({ accountKey: 'https://notify.test|token|', counts: { likes: value } });
    expect(single.accounts[0]!.counts.likes).toBe(count ?? 0);
    const several = normalizeSnapshot({ accounts: [{ id: 'a', accountKey: 'k', counts: { likes: value } }] });
    expect(several.accounts[0]!.counts.likes).toBe(count ?? 0);
  });

  it.each(COUNTS)('%s as a stored diagnostics counter is kept only when valid (else 0)', (value, count) => {
    expect(normalizeSnapshot({ diagnostics: { reconnects: value } }).diagnostics.reconnects).toBe(count ?? 0);
  });

  // The values JSON can carry as they are (it writes NaN and Infinity as null, and drops undefined).
  const IN_JSON = COUNTS.filter(
    ([value]) => value === null || typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value),
  );
  it.each(IN_JSON)("%s as an event's unread_count is used only when valid (else refetched)", (value, count) => {
    const parsed = parseNoticeEvent(`{"notice_type": 2, "unread_count": ${JSON.stringify(value)}}`);
    expect(parsed).toMatchObject({ ok: true, event: { unreadCount: count } });
  });

  it.each(COUNTS)("%s as a page's total decides whether more pages follow only when valid", (value, count) => {
    const item = { id: 'i1', notice_type: 2, title: 'A', content: '', url: null, created_at: null, read: false };
    const page = parseItemPage({ unread_count: 0, data: [item], total: value }, 1, 10);
    // Without a usable total, a page shorter than the limit is the last one.
    expect(page?.hasMore).toBe(count === null ? false : 10 < count);
  });
});
