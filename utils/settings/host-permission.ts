/**
 * Host permissions: only loopback is granted at install (wxt.config.ts); any other server origin is requested at
 * run time, from a click, with permissions.request (optional host permissions).
 */
import { isLoopbackHost } from './server-url';

/** The match pattern for a URL's origin (any port), e.g. `https://notify.example.com/*`. */
export function getOriginPattern(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}/*`;
}

/** Loopback servers need no request: their permission is in the manifest. */
export function needsPermissionRequest(url: string): boolean {
  try {
    return !isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Whether a cookie of this domain (`host` or `.example.com`, as the cookies API gives it) goes to the server. */
export function isCookieForServer(cookieDomain: string, serverUrl: string): boolean {
  try {
    const host = new URL(serverUrl).hostname;
    const domain = cookieDomain.replace(/^\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  } catch {
    return false;
  }
}
