/**
 * How the Redis store keeps an item: once, compactly, as a JSON array without key names
 * (`[number,notice type,"title","content","url" or null,created at in ms]`): about 70 bytes less per item than the
 * object, which is most of a short notification. Items of key layout 3 and before are JSON objects; both are read.
 */
import type { NoticeType } from '../../utils/protocol/categories';
import type { Item } from './backend';

type StoredItem = [number, NoticeType, string, string, string | null, number];

/** The stored form after its number (the publish script puts `[<number>,` in front). */
export function formatStoredItemTail(item: Omit<Item, 'id' | 'read'>): string {
  const stored = [item.notice_type, item.title, item.content, item.url, Date.parse(item.created_at)];
  return JSON.stringify(stored).slice(1);
}

/** The item a stored text holds, without its read flag (which lives in the unread index). */
export function parseStoredItem(text: string): Omit<Item, 'read'> {
  const parsed = JSON.parse(text) as StoredItem | Omit<Item, 'read'>;
  if (!Array.isArray(parsed)) return parsed;
  const [number, noticeType, title, content, url, createdAt] = parsed;
  return {
    id: `n-${number}`,
    notice_type: noticeType,
    title,
    content,
    url,
    created_at: new Date(createdAt).toISOString(),
  };
}
