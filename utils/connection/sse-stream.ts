/**
 * One SSE connection attempt over fetch + eventsource-parser (WHATWG "server-sent events" processing model).
 * The caller owns reconnection; this function reports how the attempt ended.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describeError } from '../lib/errors';
import { LAST_EVENT_ID_HEADER, MAX_EVENT_DATA_BYTES } from '../protocol/wire';
import { readErrorMessage } from './error-body';
import { getUnsendableHeader, redactHeaderValues } from './request-check';
import { fetchFromServer, RedirectError } from './server-fetch';

/** Events whose data exceeds this are dropped (protocol §7.1 caps them at 64 KiB; a character is at least a byte). */
export const MAX_EVENT_DATA_CHARS = MAX_EVENT_DATA_BYTES;
/** Undispatched input beyond this means a broken stream: the attempt ends and the caller reconnects. */
const MAX_PENDING_CHARS = 2 * 1024 * 1024;

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  credentials: RequestCredentials;
  lastEventId: string | null;
}

export interface StreamHandlers {
  /** 200 with an event stream: the connection is open. */
  onOpen(): void;
  onEvent(event: EventSourceMessage): void;
  /** An event with more data than MAX_EVENT_DATA_CHARS, dropped. */
  onOversizedEvent(size: number): void;
  onRetry(ms: number): void;
  /** Any bytes arrived (events, heartbeats): feeds the stall watchdog and the worker keep-alive. */
  onActivity(): void;
  /** A comment line (`: ping`, the protocol's heartbeat, §7.1): diagnostics and the connection test count them. */
  onComment?(): void;
}

export type StreamEnd =
  | { type: 'closed' } // the server ended an open stream
  | { type: 'network-error'; message: string }
  | { type: 'http-error'; status: number; retryAfter: string | null; message: string }
  | { type: 'no-content' } // 204
  | { type: 'bad-content-type'; contentType: string }
  | { type: 'protocol-error'; pendingChars: number } // too much input without an event boundary
  | { type: 'request-rejected'; header: string } // a header value fetch would refuse: the request never went out
  | { type: 'redirected' } // a redirect, not followed (server-fetch.ts)
  | { type: 'aborted' };

export async function openEventStream(
  request: StreamRequest,
  handlers: StreamHandlers,
  signal: AbortSignal,
  fetchFn: typeof fetch,
): Promise<StreamEnd> {
  const headers: Record<string, string> = { Accept: 'text/event-stream', ...request.headers };
  // [spec] "If the event source's last event ID string is not the empty string, set `Last-Event-ID`".
  if (request.lastEventId) headers[LAST_EVENT_ID_HEADER] = request.lastEventId;
  // Checked here, not left to fetch: its TypeError looks like a network error (retried forever) and may quote the value.
  const unsendable = getUnsendableHeader(headers);
  if (unsendable !== null) return { type: 'request-rejected', header: unsendable };
  const networkError = (error: unknown): StreamEnd =>
    signal.aborted
      ? { type: 'aborted' }
      : { type: 'network-error', message: redactHeaderValues(describeError(error), headers) };

  let response: Response;
  try {
    const init = { headers, credentials: request.credentials, cache: 'no-store' as const, signal };
    response = await fetchFromServer(fetchFn, request.url, init);
  } catch (error) {
    if (error instanceof RedirectError) return { type: 'redirected' };
    return networkError(error);
  }

  // [spec] a 204 means "do not reconnect"; other non-200 statuses fail the connection.
  if (response.status === 204) return { type: 'no-content' };
  if (response.status !== 200) {
    const message = await readErrorMessage(response);
    return { type: 'http-error', status: response.status, retryAfter: response.headers.get('Retry-After'), message };
  }
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!/^text\/event-stream\s*(;|$)/i.test(contentType)) {
    void response.body?.cancel().catch(() => {});
    return { type: 'bad-content-type', contentType };
  }
  if (!response.body) return { type: 'closed' };

  handlers.onOpen();
  let pending = 0;
  // [spec] a fresh parser per response: no buffered partial event survives a reconnect.
  const parser = createParser({
    onEvent(event) {
      pending = 0;
      if (event.data.length > MAX_EVENT_DATA_CHARS) handlers.onOversizedEvent(event.data.length);
      else handlers.onEvent(event);
    },
    onRetry: (ms) => handlers.onRetry(ms),
    onComment() {
      pending = 0;
      handlers.onComment?.();
    },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { type: 'closed' };
      handlers.onActivity();
      const text = decoder.decode(value, { stream: true });
      pending += text.length;
      parser.feed(text);
      if (pending > MAX_PENDING_CHARS) {
        void reader.cancel().catch(() => {});
        return { type: 'protocol-error', pendingChars: pending };
      }
    }
  } catch (error) {
    return networkError(error);
  }
}
