/** One category's items as the popup's inbox shows them (protocol §5), and a page of them. Plain text only. */
import { checkNotice } from '../connection/server-input';
import { CATEGORIES, type Category } from '../protocol/categories';
import { DEFAULT_PAGE_LIMIT, type ItemId } from '../protocol/wire';
import type { Notice } from './snapshot';

/** Items per page in the popup's inbox: the protocol's default `limit`. */
export const INBOX_PAGE_SIZE = DEFAULT_PAGE_LIMIT;

/** A notification item: a notice that always has an id, plus whether it is read. */
export interface InboxItem extends Notice {
  id: ItemId;
  read: boolean;
}

/** One page of a category's items, newest first. */
export interface ItemPage {
  items: InboxItem[];
  page: number;
  /** The category's unread items, as the server counted them when it answered. */
  unreadCount: number;
  /** All items of the category, read or not. */
  total: number;
  /** More items on later pages. */
  hasMore: boolean;
  /** Items of the answer dropped because their id was missing or unusable (counted in diagnostics). */
  refusedItems?: number;
}

/** What the popup shows of one category's inbox, kept so a reopened popup shows it at once. */
export interface CachedList {
  items: InboxItem[];
  page: number;
  hasMore: boolean;
  /** When its first page was loaded (epoch ms): the oldest lists leave a full cache first. */
  loadedAt: number;
}

/** The last lists the popup showed, for one account only (no secrets: the account key has none). */
export interface InboxCache {
  accountKey: string | null;
  lists: Partial<Record<Category, CachedList>>;
}

/** A cached list is at most this long: the popup's first pages, not an archive. */
const MAX_CACHED_ITEMS = 3 * INBOX_PAGE_SIZE;
/**
 * The whole cache is at most this much JSON (UTF-8 bytes, what Chrome's `storage.local` quota of 10 MB counts). Six
 * lists of 30 items at their field caps can reach about 3 MB; the snapshot, which the badge needs, must always fit.
 */
export const MAX_INBOX_CACHE_BYTES = 1024 * 1024;

/** The cache as storage holds it, checked: anything malformed is dropped, never shown; over the size cap, cut. */
export function normalizeInboxCache(value: unknown): InboxCache {
  const empty: InboxCache = { accountKey: null, lists: {} };
  if (typeof value !== 'object' || value === null) return empty;
  const { accountKey, lists } = value as Record<string, unknown>;
  if (typeof accountKey !== 'string' || typeof lists !== 'object' || lists === null) return empty;
  const result: InboxCache = { accountKey, lists: {} };
  for (const category of CATEGORIES) {
    const list = (lists as Record<string, unknown>)[category] as Partial<CachedList> | undefined;
    if (!list || !Array.isArray(list.items) || !Number.isInteger(list.page)) continue;
    const items = list.items
      .slice(0, MAX_CACHED_ITEMS)
      .map(getStoredItem)
      .filter((item) => item !== null);
    // A list from before lists had a load time counts as the oldest.
    const loadedAt = Number.isFinite(list.loadedAt) ? list.loadedAt! : 0;
    result.lists[category] = { items, page: list.page!, hasMore: list.hasMore === true, loadedAt };
  }
  return getCappedInboxCache(result);
}

/** What of a shown list goes into the cache: its first pages, nothing of the popup's own state. */
export function getCachedList({ items, page, hasMore, loadedAt }: CachedList): CachedList {
  return items.length <= MAX_CACHED_ITEMS
    ? { items, page, hasMore, loadedAt }
    : { items: items.slice(0, MAX_CACHED_ITEMS), page: MAX_CACHED_ITEMS / INBOX_PAGE_SIZE, hasMore: true, loadedAt };
}

/** The cache within `maxBytes` of JSON: its oldest lists are dropped first (the popup refetches them). */
export function getCappedInboxCache(cache: InboxCache, maxBytes = MAX_INBOX_CACHE_BYTES): InboxCache {
  let capped = cache;
  while (getJsonBytes(capped) > maxBytes && Object.keys(capped.lists).length > 0) capped = getWithoutOldestList(capped);
  return capped;
}

/** The cache less its oldest list; the same cache when it has none. */
export function getWithoutOldestList(cache: InboxCache): InboxCache {
  const entries = Object.entries(cache.lists) as Array<[Category, CachedList]>;
  if (entries.length === 0) return cache;
  const [oldest] = entries.reduce((older, entry) => (entry[1].loadedAt < older[1].loadedAt ? entry : older));
  const lists = { ...cache.lists };
  delete lists[oldest];
  return { accountKey: cache.accountKey, lists };
}

const getJsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** A stored item, checked with the same caps as one from a server; null when it cannot be used. */
function getStoredItem(value: unknown): InboxItem | null {
  if (typeof value !== 'object' || value === null) return null;
  const item = value as Record<string, unknown>;
  if (typeof item.read !== 'boolean') return null;
  const { notice } = checkNotice(item);
  return notice && notice.id !== null ? { ...notice, id: notice.id, read: item.read } : null;
}
