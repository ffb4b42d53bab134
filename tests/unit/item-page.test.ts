/**
 * Pages of items as servers send them (issue #24 item 1, protocol §5 "What clients accept"): ids that are JSON numbers
 * (SQL keys), `read` as 0/1, and `data` as one object instead of an array.
 */
import { describe, expect, it } from 'vitest';
import { parseItemPage } from '@/utils/connection/item-page';

const item = (id: unknown, change: Record<string, unknown> = {}) => ({ id, title: `item ${String(id)}`, ...change });
const pageOf = (data: unknown, unread = 3) => parseItemPage({ unread_count: unread, total: 3, data }, 1, 10);

describe('parseItemPage', () => {
  it('keeps numeric ids as numbers, 0 included, so they go back to the server as numbers', () => {
    const page = pageOf([item(42), item(7), item(0)]);
    expect(page?.items.map((shown) => shown.id)).toEqual([42, 7, 0]);
    expect(page?.refusedItems).toBe(0);
  });

  it('keeps 42 and "42" as two items: each marks read only itself, in its own type', () => {
    const page = pageOf([item(42, { title: 'number' }), item('42', { title: 'text' })]);
    expect(page?.items.map(({ id, title }) => [id, title])).toEqual([
      [42, 'number'],
      ['42', 'text'],
    ]);
  });

  it.each([
    ['a float', 1.5],
    ['a negative number', -1],
    ['an integer past 2^53 (rounded by JSON.parse: marking it read could hit another item)', 2 ** 53],
    ['Infinity', Infinity],
    ['an empty string', ''],
    ['a string over 128 characters', 'i'.repeat(129)],
    ['a boolean', true],
    ['an object', { id: 1 }],
    ['an array', [1]],
  ])('drops and counts an item whose id is %s', (_what, id) => {
    const page = pageOf([item(id), item(5)]);
    expect(page?.items.map((shown) => shown.id)).toEqual([5]);
    expect(page?.refusedItems).toBe(1);
  });

  it('reads `read` given as 1/0 or true/false; anything else is unread', () => {
    const page = pageOf([
      item(1, { read: 1 }),
      item(2, { read: 0 }),
      item(3, { read: true }),
      item(4, { read: false }),
      item(5, { read: 'true' }),
      item(6, { read: 2 }),
      item(7),
    ]);
    expect(page?.items.map(({ id, read }) => [id, read])).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
    ]);
  });

  it('reads a `data` that is one object as a page of that one item (the original web app read it so)', () => {
    const page = pageOf(item(42, { read: 0 }), 1);
    expect(page).toMatchObject({ items: [{ id: 42, title: 'item 42', read: false }], unreadCount: 1, total: 3 });
  });

  it('still refuses a page whose `data` is neither an array nor an object, or whose count is not a count', () => {
    for (const data of [null, 'items', 42, undefined]) expect(pageOf(data), String(data)).toBeNull();
    expect(pageOf([], -1)).toBeNull();
    expect(pageOf([], 1.5)).toBeNull();
  });
});
