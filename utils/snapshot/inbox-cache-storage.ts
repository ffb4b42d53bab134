/** The popup's last inbox lists in `storage.local` (`inboxCache`), read back checked (inbox-item.ts). */
import { storage } from '@wxt-dev/storage';
import { normalizeInboxCache, type InboxCache } from './inbox-item';

const inboxCacheItem = storage.defineItem<InboxCache>('local:inboxCache', {
  fallback: { accountKey: null, lists: {} },
  version: 1,
});

export async function loadInboxCache(): Promise<InboxCache> {
  return normalizeInboxCache(await inboxCacheItem.getValue());
}

export function saveInboxCache(cache: InboxCache): Promise<void> {
  return inboxCacheItem.setValue(cache);
}
