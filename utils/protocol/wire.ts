/**
 * Beacon's wire format (docs/protocol.md, the normative text): paths, event names, limits and the JSON payloads,
 * shared by the extension and the reference server. Types only and constants: no browser or Node import here.
 */
import type { Category, NoticeType } from './categories';

/** REST and stream paths below the server's `{base}` (protocol §4–§7). */
export const PATHS = {
  me: '/notification/me',
  stream: '/notification/socket_connection',
  category: (category: Category) => `/notification/${category}`,
  markRead: (category: Category) => `/notification/${category}/read`,
  session: '/auth/session',
} as const;

/** The SSE event name that tells a client to refetch every count (protocol §7.2). */
export const RESYNC_EVENT = 'resync';
/** The default SSE event name; message events carry {@link NoticeEventData}. */
export const MESSAGE_EVENT = 'message';

/** A server writes a heartbeat comment at least this often (protocol §7.1). */
export const HEARTBEAT_INTERVAL_MS = 15_000;
/** A client takes this long without a byte as a dead connection: three missed heartbeats. */
export const STALL_TIMEOUT_MS = 3 * HEARTBEAT_INTERVAL_MS;
/** No byte this long after the last one (or the headers): a heartbeat is late; a proxy may be buffering the stream. */
export const HEARTBEAT_LATE_MS = HEARTBEAT_INTERVAL_MS + 5_000;
/** While heartbeats are late, a client checks the counts over REST this often (a heartbeat's period). */
export const LATE_STREAM_CHECK_MS = 15_000;
/**
 * A client refetches a category's count for each event without `unread_count` (§7.3), at most once per this many ms
 * per category (Beacon's coalesced-refetch.ts; the connection test states the cost).
 */
export const LEGACY_REFETCH_MIN_INTERVAL_MS = 275;
/** One event's `data` may not exceed this (protocol §7.1); request bodies beyond it get 413 (§8). */
export const MAX_EVENT_DATA_BYTES = 64 * 1024;
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;
/** Event ids are opaque strings of at most this many characters (protocol §7.2). */
export const MAX_EVENT_ID_LENGTH = 128;
/**
 * What a header value can carry unchanged (Fetch "header value", RFC 9110 §5.5): Latin-1 without control characters
 * (a tab included: servers differ on it), and no space at either end (fetch would strip it: the server would get
 * another value). Anything else makes `fetch` throw, or the server reject the request, before a byte of the answer
 * arrives.
 */
const HEADER_SAFE = /^(?:[\x21-\x7e\x80-\xff](?:[\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

/**
 * A value Beacon can send in a header as it is (protocol §7.2): the one rule for the Last-Event-ID it keeps, the
 * token the options page accepts and every header checked before `fetch`.
 */
export function isHeaderSafe(value: string): boolean {
  return HEADER_SAFE.test(value);
}

/** The header a client resumes a stream with (protocol §7.2). */
export const LAST_EVENT_ID_HEADER = 'Last-Event-ID';

/** Header names are case-insensitive: a refusal may name it in any case. */
export function isLastEventIdHeader(name: string): boolean {
  return name.toLowerCase() === LAST_EVENT_ID_HEADER.toLowerCase();
}

/** An event id a client can keep and send back as `Last-Event-ID` (protocol §7.2); the empty id resets it. */
export function isValidEventId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_EVENT_ID_LENGTH && isHeaderSafe(value);
}
/**
 * An item id (protocol §5) is an opaque string of 1 to this many characters. A client drops an item with a longer id
 * rather than cut it: marking a cut id read could hit another item.
 */
export const MAX_ITEM_ID_LENGTH = 128;
/**
 * An item id as a server sent it: text (the canonical form), or a JSON number (what SQL-backed servers send). Kept in
 * its type and sent back in it (protocol §6), so 42 and "42" are two ids, as they are two JSON values.
 */
export type ItemId = string | number;
/** An item URL (protocol §5) has at most this many characters as its canonical form (`URL.href`). */
export const MAX_ITEM_URL_LENGTH = 2048;
/** A client keeps at most this many characters of an item's title and content (protocol §7.5). */
export const MAX_ITEM_TITLE_CHARS = 300;
export const MAX_ITEM_CONTENT_CHARS = 2000;

/**
 * An item id a client can keep and send back unchanged in a mark read (protocol §5, §6): text of 1 to
 * MAX_ITEM_ID_LENGTH characters, or a safe integer of at least 0. A larger number was already rounded by
 * `JSON.parse` (2^53 + 1 reads as 2^53: its mark read would hit another item); a fraction or a negative number is no
 * row key, more likely a sentinel (-1 for "none") than an item.
 */
export function isValidItemId(value: unknown): value is ItemId {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ITEM_ID_LENGTH;
}

/** `limit` on the list endpoint: 1…50, default 10 (protocol §5). */
export const MAX_PAGE_LIMIT = 50;
export const DEFAULT_PAGE_LIMIT = 10;

/** One notification item (protocol §5). Servers may add fields; clients ignore what they do not know. */
export interface NotificationItem {
  id: string;
  notice_type: NoticeType;
  /** Plain text: never rendered as HTML. */
  title: string;
  content: string;
  /** Absolute http(s) URL in the web app, or null. */
  url: string | null;
  /** ISO 8601 UTC. */
  created_at: string;
  read: boolean;
}

/** `GET /notification/{category}` (protocol §5). */
export interface CategoryPageBody {
  /** Newest first, read and unread alike. */
  data: NotificationItem[];
  unread_count: number;
  page: number;
  limit: number;
  total: number;
}

/** `GET /notification/me` (protocol §4). */
export interface MeBody {
  username: string;
  role: string;
}

/**
 * `POST /notification/{category}/read` body (protocol §6): no body or no `ids` marks the whole category.
 * @public part of the wire contract.
 */
export interface MarkReadBody {
  /** The ids as the server gave them: strings, or numbers from a server whose ids are numbers. */
  ids?: ItemId[];
}

/** The data of a message event (protocol §7.3); the legacy form has `notice_type` only. */
export interface NoticeEventData {
  notice_type: NoticeType;
  unread_count?: number;
  kind?: 'notice' | 'read';
  id?: string;
  title?: string;
  content?: string;
  url?: string | null;
  created_at?: string;
}

/** The data of a `resync` event. */
export interface ResyncEventData {
  reason: 'replay_unavailable';
}

/** Every 4xx/5xx answer (protocol §8). */
export interface ErrorBody {
  /** A human-readable English sentence. */
  error: string;
  code?: string;
}
