/**
 * The popup's last inbox lists in `storage.local` (`inboxCache`), written within its size cap and read back checked
 * (inbox-item.ts). It is only a cache: when storage is full, the background drops its lists to save the snapshot.
 */
import { storage } from '@wxt-dev/storage';
import {
  getCacheOfAccounts,
  getCappedInboxCache,
  getWithoutOldestList,
  normalizeInboxCache,
  type InboxCache,
} from './inbox-item';

const INBOX_CACHE_KEY = 'local:inboxCache';

const inboxCacheItem = storage.defineItem<InboxCache>(INBOX_CACHE_KEY, {
  fallback: { accounts: {} },
  version: 1,
});

export async function loadInboxCache(): Promise<InboxCache> {
  return normalizeInboxCache(await inboxCacheItem.getValue());
}

/**
 * Writes the cache within its size cap, as plain data: the popup hands it Vue's reactive lists, and Firefox's
 * `storage.local` (structured clone) refuses a Proxy with a DataCloneError, where Chrome's (JSON) takes it.
 */
export function saveInboxCache(cache: InboxCache): Promise<void> {
  return inboxCacheItem.setValue(getCappedInboxCache(JSON.parse(JSON.stringify(cache)) as InboxCache));
}

/**
 * Makes room in `storage.local`: drops the oldest cached list (the popup refetches it), or the whole stored value
 * when no list is left. False when there was nothing to drop.
 */
export async function dropOldestCachedList(): Promise<boolean> {
  const stored = await storage.getItem<unknown>(INBOX_CACHE_KEY);
  if (stored === null) return false;
  const smaller = getWithoutOldestList(normalizeInboxCache(stored));
  if (Object.keys(smaller.accounts).length === 0) await inboxCacheItem.removeValue();
  else await inboxCacheItem.setValue(smaller);
  return true;
}

/** Keeps the cached lists of these accounts only (with the key each has now): a removed account leaves nothing. */
export async function pruneInboxCache(keep: ReadonlyArray<{ id: string; accountKey: string }>): Promise<void> {
  const stored = await storage.getItem<unknown>(INBOX_CACHE_KEY);
  if (stored === null) return;
  const cache = normalizeInboxCache(stored);
  const kept = getCacheOfAccounts(cache, keep);
  if (Object.keys(kept.accounts).length === Object.keys(cache.accounts).length) return;
  if (Object.keys(kept.accounts).length === 0) await inboxCacheItem.removeValue();
  else await inboxCacheItem.setValue(kept);
}
