/** Checks on the configured server URL: HTTPS is required except for loopback (protocol §1). */

export type ServerUrlProblem = 'empty' | 'not-a-url' | 'not-http' | 'insecure' | 'has-extras';

/**
 * The loopback hosts Beacon talks to over plain HTTP, and the only ones the manifest grants at install
 * (wxt.config.ts builds host_permissions from this list). A match pattern cannot name 127.0.0.0/8, so other
 * 127.x.y.z addresses are not accepted: the HTTPS rule and the granted permissions must agree, or such a server
 * passes the settings and then sits at "no permission" forever.
 */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

export function isLoopbackHost(hostname: string): boolean {
  return (LOOPBACK_HOSTS as readonly string[]).includes(hostname);
}

/**
 * `allowQuery`: the app URL may carry a query or fragment (a page of the web app); the server's `{base}` may not,
 * since paths are appended to it. Neither may carry a user name or password: they would be sent with every request.
 */
export function getServerUrlProblem(value: string, { allowQuery = false } = {}): ServerUrlProblem | null {
  if (value.trim() === '') return 'empty';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'not-a-url';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not-http';
  if (url.username !== '' || url.password !== '') return 'has-extras';
  if (!allowQuery && (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')))
    return 'has-extras';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'insecure';
  return null;
}

/** `{base}` without a trailing slash, so paths can be appended. */
export function getBaseUrl(serverUrl: string): string {
  return serverUrl.trim().replace(/\/+$/, '');
}
