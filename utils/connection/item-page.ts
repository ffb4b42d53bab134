/** Reads a `GET /notification/{category}` answer (protocol §5) as a page of inbox items; untrusted input. */
import type { InboxItem, ItemPage } from '../snapshot/inbox-item';
import { parseWireNotice } from './notice-event';
import { parseCount } from './server-input';

/**
 * A page answer's items and whether more follow, or null when it has no list of items (the caller reports it). Its
 * `unread_count` is not read: counts come from the count requests and the stream.
 */
export function parseItemPage(body: Record<string, unknown>, page: number, limit: number): ItemPage | null {
  const { total, data } = body;
  if (!Array.isArray(data)) return null;
  const items: InboxItem[] = [];
  const seen = new Set<string>();
  let refusedItems = 0;
  for (const value of data.slice(0, limit) as unknown[]) {
    const { notice, refused } = parseWireNotice(value);
    // An item without a usable id cannot be marked read: dropped and counted. Without text there is nothing to show.
    if (refused || (notice && notice.id === null)) refusedItems++;
    if (!notice?.id || seen.has(notice.id)) continue;
    seen.add(notice.id);
    items.push({ ...notice, id: notice.id, read: (value as { read?: unknown }).read === true });
  }
  const knownTotal = parseCount(total);
  const hasMore = knownTotal === null ? data.length >= limit : page * limit < knownTotal;
  return { items, page, hasMore, refusedItems };
}
