/**
 * A page of items (protocol §5): Beacon reads its items and whether more follow; the page's `unread_count` is not
 * used (counts come from the count requests and events), so it neither blocks a page nor is kept (#23 item 6).
 */
import { describe, expect, it } from 'vitest';
import { parseItemPage } from '@/utils/connection/item-page';

const ITEM = {
  id: 'i1',
  notice_type: 2,
  title: 'Bob commented',
  content: '',
  url: null,
  created_at: null,
  read: false,
};

const PAGES: Array<[why: string, extra: Record<string, unknown>, hasMore: boolean]> = [
  ['a full answer', { unread_count: 1, total: 12 }, true],
  ['no unread_count', { total: 12 }, true],
  ['an unread_count that is not a count', { unread_count: 'many', total: 12 }, true],
  ['no total: a short page is the last', { unread_count: 1 }, false],
  ['a total that is not a count', { unread_count: 1, total: -3 }, false],
];

describe('a page of items', () => {
  it.each(PAGES)('%s: its items are read', (_why, extra, hasMore) => {
    const page = parseItemPage({ data: [ITEM], ...extra }, 1, 10);
    expect(page).toEqual({
      items: [{ id: 'i1', title: 'Bob commented', content: '', url: null, createdAt: null, read: false }],
      page: 1,
      hasMore,
      refusedItems: 0,
    });
  });

  it.each([{}, { data: 'x' }, { data: null }])('%j without a list of items is not a page', (body) => {
    expect(parseItemPage(body, 1, 10)).toBeNull();
  });
});
