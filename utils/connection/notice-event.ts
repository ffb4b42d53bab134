/**
 * Parses what a server says about notices: a message event's data (protocol §7.3) and a REST item (§5). Never throws:
 * bad input is reported, not fatal. Text stays plain text.
 */
import { getCategoryOfNoticeType, isNoticeType, type Category } from '../protocol/categories';
import type { Notice } from '../snapshot/snapshot';
import { parseCount } from './server-input';

export interface NoticeEvent {
  category: Category;
  /** The category's unread count after this event, when the server sent it. */
  unreadCount: number | null;
  kind: 'notice' | 'read';
  notice: Notice | null;
}

export type ParsedEvent =
  { ok: true; event: NoticeEvent } | { ok: false; problem: 'malformed' | 'unknown-type'; detail: string };

export function parseNoticeEvent(data: string): ParsedEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, problem: 'malformed', detail: 'data is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'malformed', detail: 'data is not a JSON object' };
  }
  const payload = value as Record<string, unknown>;
  if (!('notice_type' in payload)) return { ok: false, problem: 'malformed', detail: 'no notice_type' };
  if (!isNoticeType(payload.notice_type)) {
    return {
      ok: false,
      problem: 'unknown-type',
      detail: `notice_type ${JSON.stringify(payload.notice_type)?.slice(0, 40)}`,
    };
  }
  const count = payload.unread_count;
  // A count that is not a sane non-negative integer is treated as absent: the category is refetched instead.
  return {
    ok: true,
    event: {
      category: getCategoryOfNoticeType(payload.notice_type),
      unreadCount: parseCount(count),
      kind: payload.kind === 'read' ? 'read' : 'notice',
      notice: parseNotice(payload),
    },
  };
}

const MAX_TITLE_CHARS = 300;
const MAX_CONTENT_CHARS = 2000;

/** Reads a notice from a REST item or an event payload; null if it has nothing to show. */
export function parseNotice(value: unknown): Notice | null {
  if (typeof value !== 'object' || value === null) return null;
  const item = value as Record<string, unknown>;
  const text = (field: string, max: number) =>
    typeof item[field] === 'string' ? (item[field] as string).slice(0, max) : '';
  const title = text('title', MAX_TITLE_CHARS);
  const content = text('content', MAX_CONTENT_CHARS);
  if (title === '' && content === '') return null;
  return {
    id: typeof item.id === 'string' ? item.id : null,
    title,
    content,
    url: typeof item.url === 'string' && /^https?:\/\//i.test(item.url) ? item.url : null,
    createdAt: typeof item.created_at === 'string' ? item.created_at : null,
  };
}
