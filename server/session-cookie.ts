/**
 * The session cookie's name and attributes, decided once at start from the server's configuration (its public URL,
 * else the address it listens on), never from a request: a `Host: localhost` sent to a public server must not get a
 * cookie without `Secure`.
 */
import { isLoopbackHost } from './origin-policy';

const PLAIN_NAME = 'beacon_session';
/**
 * RFC 6265bis §4.1.3.2: a `__Host-` cookie must be `Secure`, `Path=/` and without `Domain`, so browsers refuse one
 * set by a sibling subdomain or a plain-HTTP page (cookie tossing, session fixation).
 */
const SECURE_NAME = `__Host-${PLAIN_NAME}`;

export interface SessionCookiePolicy {
  /** `__Host-beacon_session` when Secure, else `beacon_session`; the only name the server reads. */
  readonly name: string;
  readonly secure: boolean;
}

/** Checks `--public-url`: an http(s) origin (no path, query or credentials); returns the origin. */
function parsePublicUrl(value: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new Error(`the public URL must be an http(s) origin such as https://beacon.example.com, got ${value}`);
  }
  return url;
}

/**
 * Secure unless the server is, as configured, on a loopback host over plain HTTP (where browsers and curl may not
 * send a Secure cookie back). Without a public URL the listening address decides: a server on a public address is
 * assumed to sit behind TLS.
 */
export function getSessionCookiePolicy(config: { publicUrl?: string; host?: string }): SessionCookiePolicy {
  let secure: boolean;
  if (config.publicUrl !== undefined) {
    const url = parsePublicUrl(config.publicUrl);
    secure = url.protocol === 'https:' || !isLoopbackHost(url.hostname);
  } else {
    const host = config.host ?? '127.0.0.1';
    secure = !isLoopbackHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  }
  return { name: secure ? SECURE_NAME : PLAIN_NAME, secure };
}

/**
 * `HttpOnly` keeps it from page scripts. `SameSite=Lax`: Chromium and Firefox send Lax (even Strict) cookies with
 * requests from an extension holding host permission for the server (checked, docs/security.md), while other sites'
 * pages do not get them on their requests. `Path=/` and no `Domain`, as `__Host-` requires.
 */
export function formatSessionCookie(policy: SessionCookiePolicy, value: string, maxAgeSeconds: number): string {
  const secure = policy.secure ? '; Secure' : '';
  return `${policy.name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}
