/**
 * Limits against slow and greedy clients: header, body and idle timeouts for ordinary requests, and caps on open
 * connections, per address and in all. Each ends with a JSON answer a client can show (protocol §8), not a silent
 * reset.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from '../utils/protocol/wire';
import { getAddressKey } from './client-address';
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
  /**
   * Open connections from one address (IPv6: one /64), streams included; a connection beyond it gets 429 and is
   * closed at once, so one client cannot use up `maxConnections` for everyone (default 32).
   */
  maxConnectionsPerAddress: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  maxConnections: 1024,
  maxConnectionsPerAddress: 32,
};

/** How long a client refused for its address's connection count waits before trying again. */
const PER_ADDRESS_RETRY_AFTER_SECONDS = 5;

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
  const openByAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = getAddressKey(socket.remoteAddress);
    const fromAddress = openByAddress.get(address) ?? 0;
    if (fromAddress >= limits.maxConnectionsPerAddress) {
      // Answered before any request is read, and not counted: a refused socket must hold no slot of anyone's.
      const message = `more than ${limits.maxConnectionsPerAddress} open connections from this address`;
      socket.end(formatRawError(429, message, { 'Retry-After': String(PER_ADDRESS_RETRY_AFTER_SECONDS) }));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    open++;
    openByAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      open--;
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left > 0) openByAddress.set(address, left);
      else openByAddress.delete(address); // the table holds only addresses with open connections
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const [status, message]: [400 | 408 | 431, string] =
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

function formatRawError(status: 400 | 408 | 429 | 431, message: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify({ error: message } satisfies ErrorBody);
  const reason = {
    400: 'Bad Request',
    408: 'Request Timeout',
    429: 'Too Many Requests',
    431: 'Request Header Fields Too Large',
  }[status];
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n${extra}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
