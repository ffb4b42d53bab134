/** One category's items as the popup's inbox shows them (protocol §5), and a page of them. Plain text only. */
import { CATEGORIES, type Category } from '../protocol/categories';
import { DEFAULT_PAGE_LIMIT } from '../protocol/wire';
import type { Notice } from './snapshot';

/** Items per page in the popup's inbox: the protocol's default `limit`. */
export const INBOX_PAGE_SIZE = DEFAULT_PAGE_LIMIT;

/** A notification item: a notice that always has an id, plus whether it is read. */
export interface InboxItem extends Notice {
  id: string;
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
}

/** What the popup shows of one category's inbox, kept so a reopened popup shows it at once. */
export interface CachedList {
  items: InboxItem[];
  page: number;
  hasMore: boolean;
}

/** The last lists the popup showed, for one account only (no secrets: the account key has none). */
export interface InboxCache {
  accountKey: string | null;
  lists: Partial<Record<Category, CachedList>>;
}

/** A cached list is at most this long: the popup's first pages, not an archive. */
const MAX_CACHED_ITEMS = 3 * INBOX_PAGE_SIZE;

/** The cache as storage holds it, checked: anything malformed is dropped, never shown. */
export function normalizeInboxCache(value: unknown): InboxCache {
  const empty: InboxCache = { accountKey: null, lists: {} };
  if (typeof value !== 'object' || value === null) return empty;
  const { accountKey, lists } = value as Record<string, unknown>;
  if (typeof accountKey !== 'string' || typeof lists !== 'object' || lists === null) return empty;
  const result: InboxCache = { accountKey, lists: {} };
  for (const category of CATEGORIES) {
    const list = (lists as Record<string, unknown>)[category] as Partial<CachedList> | undefined;
    if (!list || !Array.isArray(list.items) || !Number.isInteger(list.page)) continue;
    const items = list.items.filter(isInboxItem).slice(0, MAX_CACHED_ITEMS);
    result.lists[category] = { items, page: list.page!, hasMore: list.hasMore === true };
  }
  return result;
}

/** What of a shown list goes into the cache: its first pages, nothing of the popup's own state. */
export function getCachedList({ items, page, hasMore }: CachedList): CachedList {
  return items.length <= MAX_CACHED_ITEMS
    ? { items, page, hasMore }
    : { items: items.slice(0, MAX_CACHED_ITEMS), page: MAX_CACHED_ITEMS / INBOX_PAGE_SIZE, hasMore: true };
}

function isInboxItem(value: unknown): value is InboxItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    typeof item.id === 'string' &&
    typeof item.title === 'string' &&
    typeof item.content === 'string' &&
    typeof item.read === 'boolean' &&
    (item.url === null || (typeof item.url === 'string' && /^https?:\/\//i.test(item.url))) &&
    (item.createdAt === null || typeof item.createdAt === 'string')
  );
}
