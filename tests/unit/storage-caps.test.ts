/**
 * Issue #22 point 4: a server cannot fill the browser's storage. Every field Beacon keeps from a server is capped
 * (protocol §7.5) when it arrives and again when storage gives it back, and the popup's inbox cache has a size cap.
 * (A refused snapshot write: tests/unit/storage-failure.test.ts.)
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reactive } from 'vue';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parseItemPage } from '@/utils/connection/item-page';
import { parseNoticeEvent } from '@/utils/connection/notice-event';
import { CATEGORIES } from '@/utils/protocol/categories';
import { normalizeInboxCache, type AccountInboxCache, type InboxItem } from '@/utils/snapshot/inbox-item';
import { loadInboxCache, saveInboxCache } from '@/utils/snapshot/inbox-cache-storage';
import { getEmptySnapshot, normalizeSnapshot } from '@/utils/snapshot/snapshot';
import { oneAccount } from '../helpers/account-snapshot';

const MB = 1024 * 1024;
const HUGE_URL = `https://app.test/${'a'.repeat(100_000)}`;
/** Exactly 2,048 characters: the longest URL kept. */
const LONGEST_URL = `https://app.test/${'u'.repeat(2048 - 'https://app.test/'.length)}`;
/** The JSON size of a value as `storage.local` counts it (UTF-8 bytes). */
const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/**
 * The largest item a server can make Beacon keep: capped title and content of characters JSON writes as six bytes
 * each (`\u0001`), a 2 KB URL, a 128-character id.
 */
function maximalItem(n: number): InboxItem {
  return {
    id: `${n}`.padStart(128, 'i'),
    title: '\u0001'.repeat(300),
    content: '\u0001'.repeat(2000),
    url: LONGEST_URL,
    createdAt: '2026-11-24T10:00:00.000Z',
    read: false,
  };
}

describe('what a server sends: no field is kept over its cap', () => {
  it('a URL over 2 KB is dropped (the item opens its category page); one of 2 KB is kept', () => {
    const event = (url: string) =>
      parseNoticeEvent(JSON.stringify({ notice_type: 2, unread_count: 1, id: 'n-1', title: 'Bob', url }));
    expect(event(HUGE_URL)).toMatchObject({ ok: true, event: { unreadCount: 1, notice: { title: 'Bob', url: null } } });
    expect(event(`${LONGEST_URL}x`)).toMatchObject({ ok: true, event: { notice: { url: null } } });
    expect(event(LONGEST_URL)).toMatchObject({ ok: true, event: { notice: { url: LONGEST_URL } } });
    const page = parseItemPage({ unread_count: 1, data: [{ id: 'n-1', title: 'Bob', url: HUGE_URL }] }, 1, 10);
    expect(page?.items[0]).toMatchObject({ id: 'n-1', url: null });
  });

  it('an item whose id is over 128 characters is dropped and counted, never cut (its mark read would hit another)', () => {
    const longId = 'i'.repeat(129);
    const page = parseItemPage(
      {
        unread_count: 3,
        total: 3,
        data: [
          { id: longId, title: 'too long' },
          { id: 'k'.repeat(128), title: 'longest' },
          { id: 'x'.repeat(100_000), title: 'huge' },
        ],
      },
      1,
      10,
    );
    expect(page?.items.map((item) => item.title)).toEqual(['longest']);
    expect(page?.refusedItems).toBe(2);
    // An event's count still counts; its notice, which could not be marked read, is dropped and counted.
    const event = parseNoticeEvent(JSON.stringify({ notice_type: 0, unread_count: 4, id: longId, title: 'x' }));
    expect(event).toMatchObject({ ok: true, event: { unreadCount: 4, notice: null, refusedItem: true } });
  });

  it('created_at is kept as a date in one form (ISO 8601 UTC), or dropped when it is not a date', () => {
    const createdAt = (value: unknown) => {
      const parsed = parseNoticeEvent(JSON.stringify({ notice_type: 0, id: 'n-1', title: 't', created_at: value }));
      return parsed.ok ? parsed.event.notice?.createdAt : 'not parsed';
    };
    expect(createdAt('2026-11-24T10:00:00Z')).toBe('2026-11-24T10:00:00.000Z');
    expect(createdAt('2026-11-24T11:30:00.5+01:30')).toBe('2026-11-24T10:00:00.500Z');
    expect(createdAt(Date.UTC(2026, 10, 24, 10))).toBe('2026-11-24T10:00:00.000Z');
    for (const junk of ['yesterday', '2026-13-45T99:00:00Z', 'x'.repeat(100_000), '', 1e300, NaN, null, {}]) {
      expect(createdAt(junk), String(junk).slice(0, 20)).toBeNull();
    }
  });
});

describe('what storage holds: read back capped, so no stored value makes Beacon keep or show it', () => {
  it('the snapshot: a latest notice is cut to the caps, and dropped when its id is unusable', () => {
    const stored = {
      ...oneAccount().accounts[0]!,
      diagnostics: getEmptySnapshot().diagnostics,
      latest: {
        system: { id: 'n-1', title: 't'.repeat(10_000), content: 'c'.repeat(100_000), url: HUGE_URL, createdAt: 'x' },
        manager: { id: 'i'.repeat(129), title: 'Hi', content: '', url: null, createdAt: null },
      },
    };
    const { latest } = normalizeSnapshot(stored).accounts[0]!;
    expect(latest.system).toEqual({
      id: 'n-1',
      title: 't'.repeat(300),
      content: 'c'.repeat(2000),
      url: null,
      createdAt: null,
    });
    expect(latest.manager).toBeNull();
  });

  it('the inbox cache: items are cut to the caps, items with an unusable id are dropped', () => {
    const cache = normalizeInboxCache({
      accountKey: 'k',
      lists: {
        comments: {
          page: 1,
          hasMore: false,
          items: [
            { ...maximalItem(1), title: 't'.repeat(10_000), url: HUGE_URL, createdAt: 'soon' },
            { ...maximalItem(2), id: 'i'.repeat(129) },
          ],
        },
      },
    });
    expect(cache.accounts.main!.lists.comments?.items).toEqual([
      { ...maximalItem(1), title: 't'.repeat(300), url: null, createdAt: null },
    ]);
  });

  it('an inbox cache over 1 MB loses its oldest lists first', () => {
    const lists = Object.fromEntries(
      CATEGORIES.map((category, index) => [
        category,
        { items: Array.from({ length: 30 }, (_, n) => maximalItem(n)), page: 3, hasMore: true, loadedAt: index },
      ]),
    );
    expect(jsonBytes(lists)).toBeGreaterThan(2 * MB); // what a hostile server could make the popup keep
    const cache = normalizeInboxCache({ accountKey: 'k', lists });
    expect(jsonBytes(cache)).toBeLessThanOrEqual(MB);
    const kept = Object.keys(cache.accounts.main!.lists);
    expect(kept.length).toBeGreaterThan(0);
    // The newest lists stay: what is kept is a tail of the categories in load order.
    expect(kept).toEqual(CATEGORIES.slice(CATEGORIES.length - kept.length));
  });
});

describe('the inbox cache in storage.local', () => {
  beforeEach(() => fakeBrowser.reset());

  it('is written under 1 MB whatever the popup hands it: six categories of 30 maximal items', async () => {
    const lists: AccountInboxCache['lists'] = {};
    CATEGORIES.forEach((category, index) => {
      lists[category] = {
        items: Array.from({ length: 30 }, (_, n) => maximalItem(n)),
        page: 3,
        hasMore: true,
        loadedAt: index,
      };
    });
    await saveInboxCache({ accounts: { main: { accountKey: 'k', lists } } });
    const stored = await fakeBrowser.storage.local.get(null);
    expect(jsonBytes(stored)).toBeLessThanOrEqual(MB);
    const loaded = (await loadInboxCache()).accounts.main!;
    expect(loaded.lists.report_email?.items).toHaveLength(30); // the newest list is whole
    expect(loaded.lists.likes).toBeUndefined(); // the oldest went first
  });

  it("is written as plain data: Firefox's storage refuses the popup's reactive lists (a DataCloneError)", async () => {
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    const lists: AccountInboxCache['lists'] = {
      comments: { items: [maximalItem(1)], page: 1, hasMore: false, loadedAt: 1 },
    };
    await saveInboxCache(reactive({ accounts: { main: { accountKey: 'k', lists } } }));
    // Firefox clones what storage.local.set gets with the structured clone algorithm, which refuses a Proxy.
    for (const [written] of set.mock.calls) expect(() => structuredClone(written)).not.toThrow();
    expect((await loadInboxCache()).accounts.main!.lists.comments?.items).toEqual([maximalItem(1)]);
  });
});
