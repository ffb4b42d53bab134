/** Parses a message event's data (protocol §7.3). Never throws: bad input is reported, not fatal. */
import { getCategory, isNoticeType, type Category } from '../protocol/categories';
import { parseNotice } from './api-client';
import type { Notice } from '../snapshot/snapshot';

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
  return {
    ok: true,
    event: {
      category: getCategory(payload.notice_type),
      unreadCount: Number.isInteger(count) && (count as number) >= 0 ? (count as number) : null,
      kind: payload.kind === 'read' ? 'read' : 'notice',
      notice: parseNotice(payload),
    },
  };
}
