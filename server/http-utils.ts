/** Small HTTP helpers for the reference server: JSON answers, JSON errors, bounded body reading, cookies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_REQUEST_BODY_BYTES, type ErrorBody } from '../utils/protocol/wire';

/** An error that becomes a `{"error": message}` answer with this status (protocol §8). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** How long clients wait before trying again while the store is unreachable (Redis down). */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The 503 for a request the store cannot answer now; clients back off and honour Retry-After (protocol §7.4). */
export function unavailable(): HttpError {
  return new HttpError(503, 'the notification store is unavailable, try again later', {
    'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS),
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** A page or script of the server's own, with its Content-Security-Policy. */
export function sendPage(res: ServerResponse, type: 'text/html' | 'text/javascript', text: string, csp: string) {
  res.writeHead(200, {
    'Content-Type': `${type}; charset=utf-8`,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError) {
  sendJson(res, error.status, { error: error.message } satisfies ErrorBody, error.headers);
}

/** How long a client may take to send a request body it announced (slow-body attacks hold connections). */
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** Reads a JSON body of at most MAX_REQUEST_BODY_BYTES within timeoutMs; an empty body is `undefined`. */
export async function readJsonBody(req: IncomingMessage, timeoutMs = DEFAULT_BODY_TIMEOUT_MS): Promise<unknown> {
  // Connection: close on these answers: the rest of the body is never read, so the connection cannot be reused.
  const tooLarge = () =>
    new HttpError(413, `request body larger than ${MAX_REQUEST_BODY_BYTES} bytes`, { Connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BODY_BYTES) throw tooLarge();
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', finish);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8').trim());
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) finish(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const timer = setTimeout(() => {
      const seconds = timeoutMs / 1000;
      finish(new HttpError(408, `request body not received within ${seconds} s`, { Connection: 'close' }));
    }, timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', finish);
  });
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

export function getCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return null; // a malformed escape is no session, not a server error
    }
  }
  return null;
}

export function getBearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match ? match[1]!.trim() : null;
}
