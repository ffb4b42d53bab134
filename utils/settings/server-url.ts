/** Checks on the configured server URL: HTTPS is required except for loopback (protocol §1). */

export type ServerUrlProblem = 'empty' | 'not-a-url' | 'not-http' | 'insecure';

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function getServerUrlProblem(value: string): ServerUrlProblem | null {
  if (value.trim() === '') return 'empty';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'not-a-url';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not-http';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'insecure';
  return null;
}

/** `{base}` without a trailing slash, so paths can be appended. */
export function getBaseUrl(serverUrl: string): string {
  return serverUrl.trim().replace(/\/+$/, '');
}
