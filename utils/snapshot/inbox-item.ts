/** One category's items as the popup's inbox shows them (protocol §5), and a page of them. Plain text only. */
import { checkNotice } from '../connection/server-input';
import { CATEGORIES, type Category } from '../protocol/categories';
import { DEFAULT_PAGE_LIMIT, type ItemId } from '../protocol/wire';
import { MAX_ACCOUNTS, MIGRATED_ACCOUNT_ID } from '../settings/accounts';
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

/** The last lists the popup showed of one account (no secrets: the account key has none). */
export interface AccountInboxCache {
  /** The account's key when they were shown: lists of another server or sign-in are never shown. */
  accountKey: string;
  lists: Partial<Record<Category, CachedList>>;
}

/** The last lists the popup showed, by account id. */
export interface InboxCache {
  accounts: Record<string, AccountInboxCache>;
}

/** A cached list is at most this long: the popup's first pages, not an archive. */
const MAX_CACHED_ITEMS = 3 * INBOX_PAGE_SIZE;
/**
 * The whole cache is at most this much JSON (UTF-8 bytes, what Chrome's `storage.local` quota of 10 MB counts). Six
 * lists of 30 items at their field caps can reach about 3 MB; the snapshot, which the badge needs, must always fit.
 * With several accounts the cap is shared: the oldest lists, whatever their account, leave first.
 */
export const MAX_INBOX_CACHE_BYTES = 1024 * 1024;

/**
 * The cache as storage holds it, checked: anything malformed is dropped, never shown; over the size cap, cut. A
 * single-account version's cache (`{ accountKey, lists }`) is the migrated account's ('main').
 */
export function normalizeInboxCache(value: unknown): InboxCache {
  const result: InboxCache = { accounts: {} };
  if (!isRecord(value)) return result;
  const stored = isRecord(value.accounts) ? value.accounts : { [MIGRATED_ACCOUNT_ID]: value };
  for (const [id, entry] of Object.entries(stored).slice(0, MAX_ACCOUNTS)) {
    const account = getStoredAccountCache(entry);
    if (account) result.accounts[id] = account;
  }
  return getCappedInboxCache(result);
}

function getStoredAccountCache(value: unknown): AccountInboxCache | null {
  if (!isRecord(value)) return null;
  const { accountKey, lists } = value;
  if (typeof accountKey !== 'string' || !isRecord(lists)) return null;
  const result: AccountInboxCache = { accountKey, lists: {} };
  for (const category of CATEGORIES) {
    const list = lists[category] as Partial<CachedList> | undefined;
    if (!list || !Array.isArray(list.items) || !Number.isInteger(list.page)) continue;
    const items = list.items
      .slice(0, MAX_CACHED_ITEMS)
      .map(getStoredItem)
      .filter((item) => item !== null);
    // A list from before lists had a load time counts as the oldest.
    const loadedAt = Number.isFinite(list.loadedAt) ? list.loadedAt! : 0;
    result.lists[category] = { items, page: list.page!, hasMore: list.hasMore === true, loadedAt };
  }
  return result;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What of a shown list goes into the cache: its first pages, nothing of the popup's own state. */
export function getCachedList({ items, page, hasMore, loadedAt }: CachedList): CachedList {
  return items.length <= MAX_CACHED_ITEMS
    ? { items, page, hasMore, loadedAt }
    : { items: items.slice(0, MAX_CACHED_ITEMS), page: MAX_CACHED_ITEMS / INBOX_PAGE_SIZE, hasMore: true, loadedAt };
}

/** The cache within `maxBytes` of JSON: its oldest lists are dropped first (the popup refetches them). */
export function getCappedInboxCache(cache: InboxCache, maxBytes = MAX_INBOX_CACHE_BYTES): InboxCache {
  let capped = cache;
  while (getJsonBytes(capped) > maxBytes && Object.keys(capped.accounts).length > 0)
    capped = getWithoutOldestList(capped);
  return capped;
}

/**
 * The cache less its oldest list, whatever its account (an account left without lists goes); the same cache when it
 * has none.
 */
export function getWithoutOldestList(cache: InboxCache): InboxCache {
  const lists = Object.entries(cache.accounts).flatMap(([id, account]) =>
    (Object.entries(account.lists) as Array<[Category, CachedList]>).map(([category, list]) => ({
      id,
      category,
      list,
    })),
  );
  const accounts = { ...cache.accounts };
  if (lists.length === 0) {
    // Only empty accounts: dropping one is still progress (the loop that calls this ends).
    const [first] = Object.keys(accounts);
    if (first !== undefined) delete accounts[first];
    return { accounts };
  }
  const oldest = lists.reduce((older, entry) => (entry.list.loadedAt < older.list.loadedAt ? entry : older));
  const account = accounts[oldest.id]!;
  const kept = { ...account.lists };
  delete kept[oldest.category];
  if (Object.keys(kept).length === 0) delete accounts[oldest.id];
  else accounts[oldest.id] = { accountKey: account.accountKey, lists: kept };
  return { accounts };
}

/** The cache of these accounts only, each with the key it has now: a removed or changed account's lists go. */
export function getCacheOfAccounts(
  cache: InboxCache,
  keep: ReadonlyArray<{ id: string; accountKey: string }>,
): InboxCache {
  const accounts: InboxCache['accounts'] = {};
  for (const { id, accountKey } of keep) {
    const account = cache.accounts[id];
    if (account?.accountKey === accountKey) accounts[id] = account;
  }
  return { accounts };
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
