/**
 * The popup's inbox: which category is expanded, its items page by page, and marking items read with rollback.
 * Lists come from the background (which holds the token); the last ones are cached so a reopened popup shows them at
 * once, then refreshes them.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { describeError } from '../lib/errors';
import type { PopupClient } from '../messaging/popup-client';
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import {
  getCachedList,
  type AccountInboxCache,
  type CachedList,
  type InboxCache,
  type InboxItem,
  type ItemPage,
} from '../snapshot/inbox-item';
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
  account: string;
  category: Category;
  id: ItemId;
  reason: string;
}

/** One account's lists, by category. */
type AccountLists = Partial<Record<Category, CategoryList>>;

export const useInboxStore = defineStore('inbox', () => {
  const popup = usePopupStore();
  /** The expanded category of each account (by id). */
  const expanded = ref<Record<string, Category | null>>({});
  const lists = ref<Record<string, AccountLists>>({});
  /**
   * Ids whose mark read is in flight, by account. Ids are compared with ===: 42 and "42" are two items (wire.ts
   * `ItemId`), and two accounts' items are never one.
   */
  const marking = ref<Record<string, ItemId[]>>({});
  const rolledBack = ref<RolledBack | null>(null);
  let client: PopupClient | null = null;
  /** Items marked read here, by account: a refresh that raced the request must not show them unread again. */
  const markedRead = new Map<string, Set<ItemId>>();

  /** The account's key now: lists are cached and shown only for the key they were loaded with. */
  const keyOf = (account: string) => popup.getAccount(account)?.accountKey ?? null;
  const isMarking = computed(() => Object.values(marking.value).some((ids) => ids.length > 0));

  /** Starts from the cached lists of each account (none for an account whose server or sign-in changed). */
  function attach(popupClient: PopupClient, cache: InboxCache | null): void {
    client = popupClient;
    for (const [account, cached] of Object.entries(cache?.accounts ?? {})) {
      if (cached.accountKey !== keyOf(account)) continue;
      const shown: AccountLists = {};
      for (const [category, list] of Object.entries(cached.lists) as Array<[Category, CachedList]>) {
        shown[category] = { ...list, status: 'ready', loadingMore: false, error: null };
      }
      lists.value[account] = shown;
    }
  }

  const getList = (account: string, category: Category) => lists.value[account]?.[category];
  function setList(account: string, category: Category, list: CategoryList): void {
    lists.value[account] = { ...lists.value[account], [category]: list };
  }

  async function toggle(account: string, category: Category): Promise<void> {
    if (expanded.value[account] === category) {
      expanded.value[account] = null;
      return;
    }
    expanded.value[account] = category;
    await refresh(account, category);
  }

  /** Loads the first page; cached items stay on screen meanwhile, a skeleton shows only when there are none. */
  async function refresh(account: string, category: Category): Promise<void> {
    const current = getList(account, category);
    if (!current || current.status === 'error') setList(account, category, { ...emptyList(), status: 'loading' });
    await load(account, category, 1);
  }

  const loadMore = (account: string, category: Category) =>
    load(account, category, (getList(account, category)?.page ?? 0) + 1);

  async function load(account: string, category: Category, page: number): Promise<void> {
    if (!client) return;
    const list = getList(account, category);
    if (list && page > 1) list.loadingMore = true;
    let result: ItemPage;
    try {
      result = await client.getItems(account, category, page);
    } catch (error) {
      const failed = getList(account, category) ?? emptyList();
      setList(account, category, {
        ...failed,
        status: failed.status === 'loading' ? 'error' : failed.status,
        loadingMore: false,
        error: describeError(error),
      });
      return;
    }
    const marked = markedRead.get(account);
    const items = result.items.map((item) => (marked?.has(item.id) ? { ...item, read: true } : item));
    const previous = getList(account, category);
    // Page 1 replaces the list (a refresh); later pages append what is not shown yet (items may have shifted).
    const merged = page === 1 ? items : [...(previous?.items ?? []), ...items.filter((item) => !has(previous, item))];
    setList(account, category, {
      status: 'ready',
      items: merged,
      page,
      hasMore: result.hasMore,
      loadingMore: false,
      error: null,
      loadedAt: Date.now(),
    });
    saveCache();
  }

  /** Marks one item read: its row drops at once; if the server refuses, it comes back with a message. */
  async function markRead(account: string, category: Category, id: ItemId): Promise<void> {
    const item = getList(account, category)?.items.find((candidate) => candidate.id === id);
    const pending = marking.value[account] ?? [];
    if (!client || !item || item.read || pending.includes(id)) return;
    rolledBack.value = null;
    marking.value = { ...marking.value, [account]: [...pending, id] };
    item.read = true;
    try {
      await client.markItemsRead(account, category, [id]);
      markedRead.set(account, (markedRead.get(account) ?? new Set<ItemId>()).add(id));
      saveCache();
    } catch (error) {
      item.read = false;
      rolledBack.value = { account, category, id, reason: describeError(error) };
    } finally {
      const rest = (marking.value[account] ?? []).filter((other) => other !== id);
      marking.value = { ...marking.value, [account]: rest };
    }
  }

  /** Opens the item's page, or the category's page when it has none (or one the URL rule refuses). */
  const open = (account: string, category: Category, item: InboxItem) =>
    item.url ? popup.open(account, { kind: 'url', url: item.url, category }) : popup.openApp(account, category);

  // A count that changed elsewhere (a new item, mark read in the web app): each account's expanded list follows.
  watch(
    () =>
      Object.entries(expanded.value).map(([account, category]) => ({
        account,
        category,
        count: category ? popup.getAccount(account)?.counts[category] : undefined,
      })),
    (after, before) => {
      for (const { account, category, count } of after) {
        const prior = before.find((entry) => entry.account === account);
        if (!category || count === undefined || prior?.category !== category || prior.count === undefined) continue;
        if (count !== prior.count && (marking.value[account] ?? []).length === 0) void load(account, category, 1);
      }
    },
  );

  function saveCache(): void {
    if (!client) return;
    const cache: InboxCache = { accounts: {} };
    for (const [account, shown] of Object.entries(lists.value)) {
      const accountKey = keyOf(account);
      if (accountKey === null) continue;
      const cached: AccountInboxCache['lists'] = {};
      for (const [category, list] of Object.entries(shown) as Array<[Category, CategoryList]>) {
        if (list.status === 'ready') cached[category] = getCachedList(list);
      }
      cache.accounts[account] = { accountKey, lists: cached };
    }
    void client.saveInboxCache(cache).catch(() => {});
  }

  return {
    expanded,
    lists,
    marking,
    isMarking,
    rolledBack,
    attach,
    toggle,
    refresh,
    loadMore,
    markRead,
    open,
  };
});

function emptyList(): CategoryList {
  return { status: 'ready', items: [], page: 0, hasMore: false, loadingMore: false, error: null, loadedAt: 0 };
}

function has(list: CategoryList | undefined, item: InboxItem): boolean {
  return list?.items.some((shown) => shown.id === item.id) ?? false;
}
