/**
 * Who may read with credentials (CORS) and who may change state with the session cookie (CSRF), protocol §9.
 *
 * Beacon itself needs neither: checked in Chromium 156 and Firefox ESR 153 (docs/security.md), an extension page or
 * background holding host permission for the server reads responses without any CORS header and sends no preflight.
 * So only the operator's web app origins (`--allow-origin`) get CORS headers.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-utils';

/** Checks and normalizes `--allow-origin` values: http(s) origins only, never `null` or `*`. */
export function parseAllowedOrigins(values: readonly string[]): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const value of values) {
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
      throw new Error(`allowed origin must be an http(s) origin such as https://app.example.com, got ${value}`);
    }
    origins.add(url.origin);
  }
  return origins;
}

/** CORS headers for an allowed origin; for any other origin none, so the browser keeps the response from the page. */
export function getCorsHeaders(req: IncomingMessage, allowed: ReadonlySet<string>): Record<string, string> {
  const origin = req.headers.origin;
  // Vary on every answer: a cache must not serve an allowed origin's answer to another (or the reverse).
  if (origin === undefined || !allowed.has(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

/**
 * Refuses a state change that a page of another origin could have made with the user's cookie. The order follows
 * Go's `net/http.CrossOriginProtection`: an allowed Origin passes; else `Sec-Fetch-Site` decides when present
 * (`same-origin`, or `none` as for a user's own navigation and, in Chromium, an extension with host permission);
 * else an Origin must be the server's own; a request without either did not come from a browser page.
 */
export function assertNotCrossSite(req: IncomingMessage, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin !== undefined && allowed.has(origin)) return;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw new HttpError(403, `cross-site request refused (Sec-Fetch-Site: ${site})`);
  }
  if (origin === undefined || isOwnOrigin(origin, req.headers.host)) return;
  throw new HttpError(403, 'cross-site request refused (Origin not allowed)');
}

/** Cookie-authenticated changes take JSON only: a page cannot send it cross-origin without a CORS preflight. */
export function assertJsonRequest(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'Content-Type must be application/json');
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** localhost, 127.0.0.0/8 and [::1]: browsers treat them as secure contexts without TLS. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return name === 'localhost' || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
}
