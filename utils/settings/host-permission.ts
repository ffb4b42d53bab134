/**
 * Host permissions: only loopback is granted at install (wxt.config.ts); any other server origin is requested at
 * run time, from a click, with permissions.request (optional host permissions).
 */
import { getServerUrlProblem, isLoopbackHost } from './server-url';

/** The match pattern for a URL's origin (any port), e.g. `https://notify.example.com/*`. */
export function getOriginPattern(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}/*`;
}

/** Loopback servers need no request: their permission is in the manifest. */
function needsPermissionRequest(url: string): boolean {
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

/** The origin patterns accounts with these server URLs need asked for (loopback and unusable URLs need none). */
export function getRequestedOrigins(serverUrls: readonly string[]): string[] {
  const needed = serverUrls.filter((url) => getServerUrlProblem(url) === null && needsPermissionRequest(url));
  return [...new Set(needed.map((url) => getOriginPattern(url.trim())))];
}

/**
 * Granted origin patterns no account uses any more: given back (`permissions.remove`). Never a loopback pattern
 * (the manifest grants those) nor anything that is not one origin (`https://*\/*`, `<all_urls>`).
 */
export function getOriginsToRelease(granted: readonly string[], serverUrlsInUse: readonly string[]): string[] {
  const inUse = new Set(getRequestedOrigins(serverUrlsInUse));
  return granted.filter((pattern) => {
    const match = /^https?:\/\/([^/*]+)\/\*$/.exec(pattern);
    return match !== null && !isLoopbackHost(match[1]!) && !inUse.has(pattern);
  });
}
