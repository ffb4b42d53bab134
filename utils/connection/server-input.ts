/**
 * Every value learned from a server, checked before Beacon uses it: event ids, counts, `retry:`, `Retry-After`, body
 * sizes (issue #14), and every field of a notice Beacon keeps (issue #22). A server may be old, buggy or hostile;
 * nothing it sends may stop Beacon, make it storm the server, freeze a count or fill the browser's storage. The limits
 * are documented in docs/protocol.md §7.5.
 */
import {
  isValidEventId,
  isValidItemId,
  MAX_EVENT_ID_LENGTH,
  MAX_ITEM_CONTENT_CHARS,
  MAX_ITEM_TITLE_CHARS,
  MAX_ITEM_URL_LENGTH,
} from '../protocol/wire';
import type { Notice } from '../snapshot/snapshot';

/** `retry:` (protocol §7.1) is clamped to this range: a server can neither make Beacon hammer it nor vanish. */
export const MIN_RETRY_FIELD_MS = 500;
export const MAX_RETRY_FIELD_MS = 30_000;
/**
 * `Retry-After` is honoured up to this long. A longer one (a misconfigured proxy, "come back in 31 years") would leave
 * the badge stale for the life of the browser; ten minutes covers a maintenance window, and "Retry now" is always there.
 */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** A REST call (protocol §4–§6) that has not finished this long after it started is abandoned. */
export const REST_DEADLINE_MS = 15_000;
/** The largest REST answer read: a count page of one item is a few KB, an error sentence less. */
export const MAX_REST_BODY_BYTES = 1024 * 1024;
/** Counts above this are not a count but a broken server (the badge shows 99+ long before). */
export const MAX_COUNT = 1_000_000_000;

export type EventIdProblem = 'too-long' | 'not-sendable';

/** Why an `id:` cannot be kept as the Last-Event-ID, or null when it can (protocol §7.2). */
export function getEventIdProblem(id: string): EventIdProblem | null {
  if (id.length > MAX_EVENT_ID_LENGTH) return 'too-long';
  return isValidEventId(id) ? null : 'not-sendable';
}

/** A count from the server (`unread_count`): an integer from 0 to MAX_COUNT, else null. */
export function parseCount(value: unknown): number | null {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_COUNT
    ? (value as number)
    : null;
}

/** The base reconnection delay a `retry:` field asks for, clamped; null for a value that is not a delay. */
export function getRetryFieldDelay(ms: number): number | null {
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(Math.round(ms), MIN_RETRY_FIELD_MS), MAX_RETRY_FIELD_MS);
}

/**
 * `Retry-After` as milliseconds from now, clamped to [0, MAX_RETRY_AFTER_MS]: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3); null if absent or invalid.
 */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const value = header.trim();
  let delayMs: number;
  if (/^\d+$/.test(value)) delayMs = Number(value) * 1000;
  // An HTTP date starts with a day name ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone would take "-5" as a year.
  else if (/^[A-Za-z]{3},/.test(value)) delayMs = Date.parse(value) - now;
  else return null;
  if (Number.isNaN(delayMs)) return null;
  return Math.min(Math.max(0, delayMs), MAX_RETRY_AFTER_MS);
}

/** A body over the size cap: the read stops there. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body over ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * A response body as text, read up to `maxBytes` (then the rest is cancelled and BodyTooLargeError thrown). The
 * request's signal (deadline, session) ends the read too, so a body trickling at 1 byte/s cannot outlive it.
 */
export async function readBodyCapped(response: Response, maxBytes = MAX_REST_BODY_BYTES): Promise<string> {
  const declared = Number(response.headers.get('Content-Length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    void response.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      void reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** A notice's fields as a server or storage gave them, not checked yet (`createdAt` is the wire's `created_at`). */
export interface NoticeFields {
  id?: unknown;
  title?: unknown;
  content?: unknown;
  url?: unknown;
  createdAt?: unknown;
}

/** A checked notice: null when there is nothing to show; `refused` when it came with an id Beacon cannot use. */
export interface CheckedNotice {
  notice: Notice | null;
  refused: boolean;
}

/**
 * A notice as Beacon keeps it (in memory, the snapshot and the inbox cache), every field within its cap: text cut,
 * a URL or date that breaks its rule dropped. No id (absent or null) is an old server's notice, kept without one; an
 * id Beacon cannot send back unchanged (`isValidItemId`: empty or too long text, a number that is no safe integer
 * of at least 0, any other JSON) refuses the whole notice: cut or rounded, its mark read could hit another item.
 */
export function checkNotice(fields: NoticeFields): CheckedNotice {
  const id = fields.id ?? null;
  if (id !== null && !isValidItemId(id)) return { notice: null, refused: true };
  const title = cutText(fields.title, MAX_ITEM_TITLE_CHARS);
  const content = cutText(fields.content, MAX_ITEM_CONTENT_CHARS);
  if (title === '' && content === '') return { notice: null, refused: false };
  return {
    notice: { id, title, content, url: parseItemUrl(fields.url), createdAt: parseTimestamp(fields.createdAt) },
    refused: false,
  };
}

/**
 * An item's `read` (protocol §5): `true` or `1` (how SQL servers send booleans) is read; `false`, `0` and anything
 * else unread, so an item whose state is unclear keeps its "Mark read".
 */
export function parseReadFlag(value: unknown): boolean {
  return value === true || value === 1;
}

/** Text cut to `max` UTF-16 units, never in the middle of a surrogate pair; '' for what is not text. */
function cutText(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** An item URL in its canonical form (`URL.href`): absolute http(s), at most MAX_ITEM_URL_LENGTH; else null. */
function parseItemUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_ITEM_URL_LENGTH || !/^https?:\/\//i.test(value)) return null;
  let href: string;
  try {
    href = new URL(value).href;
  } catch {
    return null;
  }
  // Canonical form can be longer than what came (percent-encoding): the cap holds for what is kept.
  return href.length <= MAX_ITEM_URL_LENGTH ? href : null;
}

/** ISO 8601 as servers write it: a date, optionally a time with seconds, a fraction and a zone (none means UTC). */
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;
/** The range of a JavaScript date (ECMAScript §21.4.1.1). */
const MAX_EPOCH_MS = 8.64e15;

/**
 * `created_at` as one canonical ISO 8601 UTC string (`toISOString`): from an ISO 8601 string or a number of epoch
 * milliseconds; null for anything that is not a date, so no server can store text of its choice under that name.
 */
function parseTimestamp(value: unknown): string | null {
  let ms = NaN;
  if (typeof value === 'number') ms = Math.abs(value) <= MAX_EPOCH_MS ? value : NaN;
  else if (typeof value === 'string') {
    const match = ISO_8601.exec(value);
    if (match) {
      const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
      const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
      // Rewritten to ECMAScript's own date-time format, the one form every engine parses the same way.
      ms = Date.parse(
        `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`,
      );
    }
  }
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
