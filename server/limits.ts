/**
 * Limits against slow and greedy clients: header, body and idle timeouts for ordinary requests, and a cap on open
 * connections. Each ends with a JSON answer a client can show (protocol §8), not a silent reset.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from '../utils/protocol/wire';
import { HttpError } from './http-utils';

export interface ServerLimits {
  /** Time to receive a request's headers (default 10 s). */
  headersTimeoutMs: number;
  /** Time to receive a request body after its headers (default 10 s); enforced by readJsonBody. */
  bodyTimeoutMs: number;
  /** A kept-alive or stalled connection with no traffic is closed after this long (default 30 s); streams exempt. */
  idleTimeoutMs: number;
  /** Open connections (streams included); beyond it requests get 503 (default 1024). */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  maxConnections: 1024,
};

/** How often Node checks header and request timeouts: often enough for the shortest one. */
export function getTimeoutCheckInterval(limits: ServerLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
}

/** Applies the timeouts and counts connections; returns the check run before routing each request. */
export function applyLimits(server: Server, limits: ServerLimits): (req: IncomingMessage) => void {
  server.headersTimeout = limits.headersTimeoutMs;
  // Node's own backstop for a whole request; readJsonBody answers first with its 408.
  server.requestTimeout = limits.headersTimeoutMs + limits.bodyTimeoutMs + 1000;
  server.keepAliveTimeout = Math.min(5000, limits.idleTimeoutMs);
  server.timeout = limits.idleTimeoutMs;
  // A hard limit well above the answered one: past it Node drops connections without reading them.
  server.maxConnections = limits.maxConnections * 2 + 16;
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const [status, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, `request headers not received within ${limits.headersTimeoutMs / 1000} s`]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'request headers too large']
          : [400, 'malformed request'];
    if (socket.writable) socket.end(formatRawError(status, message));
    else socket.destroy();
  });
  return () => {
    if (open > limits.maxConnections) {
      throw new HttpError(503, `more than ${limits.maxConnections} open connections`, {
        'Retry-After': '5',
        Connection: 'close',
      });
    }
  };
}

/** Streams live long and are quiet between heartbeats: no idle timeout on their socket. */
export function exemptFromIdleTimeout(res: ServerResponse): void {
  res.socket?.setTimeout(0);
}

function formatRawError(status: number, message: string): string {
  const body = JSON.stringify({ error: message } satisfies ErrorBody);
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[status];
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
