/**
 * Parses what a server says about notices: a message event's data (protocol §7.3) and a REST item (§5). Never throws:
 * bad input is reported, not fatal. Text stays plain text.
 */
import { getCategoryOfNoticeType, isNoticeType, type Category } from '../protocol/categories';
import type { Notice } from '../snapshot/snapshot';
import { checkNotice, parseCount, type CheckedNotice } from './server-input';

export interface NoticeEvent {
  category: Category;
  /** The category's unread count after this event, when the server sent it. */
  unreadCount: number | null;
  kind: 'notice' | 'read';
  notice: Notice | null;
  /** The event came with a notice whose id Beacon cannot use: dropped (the count still applies), to be counted. */
  refusedItem: boolean;
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
  const { notice, refused } = parseWireNotice(payload);
  // A count that is not a sane non-negative integer is treated as absent: the category is refetched instead.
  return {
    ok: true,
    event: {
      category: getCategoryOfNoticeType(payload.notice_type),
      unreadCount: parseCount(count),
      kind: payload.kind === 'read' ? 'read' : 'notice',
      notice,
      refusedItem: refused,
    },
  };
}

/** Reads a notice from a REST item or an event payload, every field checked (server-input.ts). */
export function parseWireNotice(value: unknown): CheckedNotice {
  if (typeof value !== 'object' || value === null) return { notice: null, refused: false };
  const { id, title, content, url, created_at: createdAt } = value as Record<string, unknown>;
  return checkNotice({ id, title, content, url, createdAt });
}

/** A notice from a REST item or an event payload; null if it has nothing to show or an unusable id. */
export function parseNotice(value: unknown): Notice | null {
  return parseWireNotice(value).notice;
}
