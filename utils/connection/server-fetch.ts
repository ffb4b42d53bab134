/**
 * Every request Beacon sends to a server (stream, counts, items, mark read, who-am-I, the connection test) goes
 * through `fetchFromServer`: one place for the redirect rule. Beacon follows no redirect at all: the protocol has
 * none, and a followed redirect would carry the request (its Last-Event-ID, a `username` query, cookies of the new
 * site; the Authorization header too in a browser that still forwards it) to an address the user never configured,
 * and take that address's answers as the server's.
 *
 * Fetch with `redirect: 'manual'` does not follow: a browser answers with an "opaque-redirect" response (status 0, no
 * Location header, Fetch §4.4 "HTTP-redirect fetch"), Node's fetch with the 3xx itself. `redirect: 'error'` would
 * reject with the same TypeError as a network failure, and the user would never learn why.
 */

/** The server answered with a redirect, which was not followed. */
export class RedirectError extends Error {
  constructor() {
    super('the server answered with a redirect');
    this.name = 'RedirectError';
  }
}

/** `fetch` with Beacon's redirect rule: resolves with a non-redirect answer, rejects with RedirectError otherwise. */
export async function fetchFromServer(fetchFn: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  const response = await fetchFn(url, { ...init, redirect: 'manual' });
  // `redirected`: a fetch that followed anyway (it should not); its answer comes from elsewhere and is not used.
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400) || response.redirected) {
    void response.body?.cancel().catch(() => {});
    throw new RedirectError();
  }
  return response;
}
