/**
 * Every value learned from a server, checked before Beacon uses it: event ids, counts, `retry:`, `Retry-After`, body
 * sizes (issue #14). A server may be old, buggy or hostile; nothing it sends may stop Beacon, make it storm the
 * server, or freeze a count. The limits are documented in docs/protocol.md §7.5.
 */
import { isValidEventId, MAX_EVENT_ID_LENGTH } from '../protocol/wire';

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
