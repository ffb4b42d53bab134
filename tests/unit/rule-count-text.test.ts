/**
 * One rule for how a count is written (about four characters fit on a badge: "99+" above 99), and every place that
 * writes one held to it: the badge, the popup's rows, its first frame painted before Vue, and its total.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import CategoryRow from '@/components/CategoryRow.vue';
import { formatCount, formatRowCount, getBadgeText } from '@/utils/badge/badge';
import { MAX_COUNT } from '@/utils/connection/server-input';
import { paintPlainCounts } from '@/utils/popup/popup-shell';
import { getZeroCounts } from '@/utils/protocol/categories';
import { oneAccount } from '../helpers/account-snapshot';
import { mountPopup, snapshotWith } from '../helpers/popup-fixture';

const COUNTS: Array<[count: number, badge: string, row: string]> = [
  [0, '', '0'], // an empty badge is "all read"; a row says 0
  [1, '1', '1'],
  [42, '42', '42'],
  [99, '99', '99'],
  [100, '99+', '99+'],
  [MAX_COUNT, '99+', '99+'],
  // Counts are checked before they get here (rule-count.test.ts); should a bug let one through, it is not written.
  [-1, '', '0'],
  [Number.NaN, '', '0'],
];

describe('a count as text', () => {
  it.each(COUNTS)('%s → badge %j, row %j', (count, badge, row) => {
    expect(formatCount(count)).toBe(badge);
    expect(formatRowCount(count)).toBe(row);
  });

  it.each(COUNTS)('%s on the badge of a live account reads %j', (count, badge) => {
    const snapshot = oneAccount({
      role: 'user',
      counts: { ...getZeroCounts(), likes: count },
      connection: { status: 'live', retryAt: null, reason: null },
    });
    expect(getBadgeText(snapshot)).toBe(badge);
  });

  it.each(COUNTS)("%s in a popup row: the row's count and its first frame say the same", (count, _badge, row) => {
    const wrapper = mount(CategoryRow, {
      props: { category: 'likes', count, highlighted: false, busy: false, expanded: false, listId: 'inbox-likes' },
    });
    expect(wrapper.get('[data-test=count]').text()).toBe(row);
    wrapper.unmount();
    const container = document.createElement('div');
    paintPlainCounts(container, { counts: { ...getZeroCounts(), likes: count } }, ['likes'], () => 'Likes');
    expect(container.textContent).toBe(`Likes: ${row}`);
  });

  it.each(COUNTS.filter(([count]) => count > 0))('%s as the popup total reads %j', async (count, badge) => {
    const { wrapper } = await mountPopup(snapshotWith({}, { likes: count }));
    expect(wrapper.get('[data-test=total]').text()).toContain(badge);
    wrapper.unmount();
  });
});
