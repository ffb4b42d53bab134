/** Reads a `GET /notification/{category}` answer (protocol §5) as a page of inbox items; untrusted input. */
import type { ItemId } from '../protocol/wire';
import type { InboxItem, ItemPage } from '../snapshot/inbox-item';
import { parseWireNotice } from './notice-event';
import { parseCount, parseReadFlag } from './server-input';

/**
 * The items of an answer's `data`: an array, or one object taken as a list of one (servers shaped after the original
 * web app, which read `res.data` as the latest notice); null for anything else.
 */
export function getWireItems(data: unknown): unknown[] | null {
  if (Array.isArray(data)) return data as unknown[];
  return typeof data === 'object' && data !== null ? [data] : null;
}

/** What a page answer says, or null when it is not the shape §5 gives (the caller reports it). */
export function parseItemPage(body: Record<string, unknown>, page: number, limit: number): ItemPage | null {
  const unread = parseCount(body.unread_count);
  const data = getWireItems(body.data);
  if (unread === null || data === null) return null;
  const items: InboxItem[] = [];
  // 42 and "42" are two ids (wire.ts `ItemId`): a Set keeps them apart, as every later comparison (===) does.
  const seen = new Set<ItemId>();
  let refusedItems = 0;
  for (const value of data.slice(0, limit)) {
    const { notice, refused } = parseWireNotice(value);
    // An item without a usable id cannot be marked read: dropped and counted. Without text there is nothing to show.
    if (refused || (notice && notice.id === null)) refusedItems++;
    if (!notice || notice.id === null || seen.has(notice.id)) continue;
    seen.add(notice.id);
    items.push({ ...notice, id: notice.id, read: parseReadFlag((value as { read?: unknown }).read) });
  }
  const { total } = body;
  const knownTotal = Number.isInteger(total) && (total as number) >= 0 ? (total as number) : null;
  const hasMore = knownTotal === null ? data.length >= limit : page * limit < knownTotal;
  return { items, page, unreadCount: unread, total: knownTotal ?? items.length, hasMore, refusedItems };
}
