/**
 * The popup's inbox: which category is expanded, its items page by page, and marking items read with rollback.
 * Lists come from the background (which holds the token); the last ones are cached so a reopened popup shows them at
 * once, then refreshes them.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { describeError } from '../lib/errors';
import type { PopupClient } from '../messaging/popup-client';
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import { getCachedList, type InboxCache, type InboxItem, type ItemPage } from '../snapshot/inbox-item';
import { usePopupStore } from './popup-store';

/** One category's list as the popup shows it. */
export interface CategoryList {
  /** `loading`: nothing to show yet (skeleton); `error`: the first page failed; `ready`: items (maybe none). */
  status: 'loading' | 'ready' | 'error';
  items: InboxItem[];
  /** The last page loaded. */
  page: number;
  hasMore: boolean;
  /** "Show more" in flight. */
  loadingMore: boolean;
  /** Why the last load failed (the first page, or "Show more"). */
  error: string | null;
  /** When a page of it last arrived (epoch ms): a full inbox cache drops the oldest lists first. */
  loadedAt: number;
}

/** A mark read the server refused: the item is unread again, and the popup says why. */
export interface RolledBack {
  category: Category;
  id: ItemId;
  reason: string;
}

export const useInboxStore = defineStore('inbox', () => {
  const popup = usePopupStore();
  const expanded = ref<Category | null>(null);
  const lists = ref<Partial<Record<Category, CategoryList>>>({});
  /** Ids whose mark read is in flight. Ids are compared with ===: 42 and "42" are two items (wire.ts `ItemId`). */
  const marking = ref<ItemId[]>([]);
  const rolledBack = ref<RolledBack | null>(null);
  let client: PopupClient | null = null;
  let accountKey: string | null = null;
  /** Items marked read here: a refresh that raced the request must not show them unread again. */
  const markedRead = new Set<ItemId>();

  /** Starts from the cached lists of this account (none for another account). */
  function attach(popupClient: PopupClient, cache: InboxCache | null): void {
    client = popupClient;
    accountKey = popup.snapshot?.accountKey ?? null;
    if (!cache || cache.accountKey !== accountKey || accountKey === null) return;
    for (const [category, list] of Object.entries(cache.lists) as Array<[Category, CategoryList]>) {
      lists.value[category] = { ...list, status: 'ready', loadingMore: false, error: null };
    }
  }

  async function toggle(category: Category): Promise<void> {
    if (expanded.value === category) {
      expanded.value = null;
      return;
    }
    expanded.value = category;
    await refresh(category);
  }

  /** Loads the first page; cached items stay on screen meanwhile, a skeleton shows only when there are none. */
  async function refresh(category: Category): Promise<void> {
    const current = lists.value[category];
    if (!current || current.status === 'error') lists.value[category] = { ...emptyList(), status: 'loading' };
    await load(category, 1);
  }

  const loadMore = (category: Category) => load(category, (lists.value[category]?.page ?? 0) + 1);

  async function load(category: Category, page: number): Promise<void> {
    if (!client) return;
    const list = lists.value[category];
    if (list && page > 1) list.loadingMore = true;
    let result: ItemPage;
    try {
      result = await client.getItems(category, page);
    } catch (error) {
      const failed = lists.value[category] ?? emptyList();
      lists.value[category] = {
        ...failed,
        status: failed.status === 'loading' ? 'error' : failed.status,
        loadingMore: false,
        error: describeError(error),
      };
      return;
    }
    const items = result.items.map((item) => (markedRead.has(item.id) ? { ...item, read: true } : item));
    const previous = lists.value[category];
    // Page 1 replaces the list (a refresh); later pages append what is not shown yet (items may have shifted).
    const merged = page === 1 ? items : [...(previous?.items ?? []), ...items.filter((item) => !has(previous, item))];
    lists.value[category] = {
      status: 'ready',
      items: merged,
      page,
      hasMore: result.hasMore,
      loadingMore: false,
      error: null,
      loadedAt: Date.now(),
    };
    saveCache();
  }

  /** Marks one item read: its row drops at once; if the server refuses, it comes back with a message. */
  async function markRead(category: Category, id: ItemId): Promise<void> {
    const item = lists.value[category]?.items.find((candidate) => candidate.id === id);
    if (!client || !item || item.read || marking.value.includes(id)) return;
    rolledBack.value = null;
    marking.value = [...marking.value, id];
    item.read = true;
    try {
      await client.markItemsRead(category, [id]);
      markedRead.add(id);
      saveCache();
    } catch (error) {
      item.read = false;
      rolledBack.value = { category, id, reason: describeError(error) };
    } finally {
      marking.value = marking.value.filter((pending) => pending !== id);
    }
  }

  /** Opens the item's page, or the category's page when it has none (or one the URL rule refuses). */
  const open = (category: Category, item: InboxItem) =>
    item.url ? popup.open({ kind: 'url', url: item.url, category }) : popup.openApp(category);

  // A count that changed elsewhere (a new item, mark read in the web app): the expanded list follows.
  watch(
    () => (expanded.value ? popup.counts?.[expanded.value] : undefined),
    (count, before) => {
      const category = expanded.value;
      if (category && count !== undefined && before !== undefined && count !== before && marking.value.length === 0) {
        void load(category, 1);
      }
    },
  );

  function saveCache(): void {
    if (!client || accountKey === null) return;
    const cached: InboxCache['lists'] = {};
    for (const [category, list] of Object.entries(lists.value) as Array<[Category, CategoryList]>) {
      if (list.status === 'ready') cached[category] = getCachedList(list);
    }
    void client.saveInboxCache({ accountKey, lists: cached }).catch(() => {});
  }

  return { expanded, lists, marking, rolledBack, attach, toggle, refresh, loadMore, markRead, open };
});

function emptyList(): CategoryList {
  return { status: 'ready', items: [], page: 0, hasMore: false, loadingMore: false, error: null, loadedAt: 0 };
}

function has(list: CategoryList | undefined, item: InboxItem): boolean {
  return list?.items.some((shown) => shown.id === item.id) ?? false;
}
