/**
 * The cookie sign-in the reference web page uses (`POST`/`DELETE /auth/session`). Both are guarded against other
 * origins (login CSRF, forced sign-out) like every cookie-authenticated change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PATHS } from '../utils/protocol/wire';
import type { CredentialGuard } from './credential-guard';
import { getCookie, HttpError, readJsonBody, sendJson } from './http-utils';
import { assertJsonRequest, assertNotCrossSite, isLoopbackHost } from './origin-policy';
import { asObject } from './request-validation';
import type { NotificationBackend } from './store/backend';

export const SESSION_COOKIE = 'beacon_session';

interface SessionRouteContext {
  store: NotificationBackend;
  allowedOrigins: ReadonlySet<string>;
  bodyTimeoutMs: number;
  guard: CredentialGuard;
}

/**
 * `HttpOnly` keeps it from page scripts. `SameSite=Lax`: Chromium and Firefox send Lax (even Strict) cookies with
 * requests from an extension holding host permission for the server (checked, docs/security.md), while other sites'
 * pages do not get them on their requests. `Secure` except for a loopback host over plain HTTP, where curl and some
 * browsers would not send it back; behind a TLS proxy the Host is the public name, so the cookie is Secure.
 */
function formatSessionCookie(req: IncomingMessage, value: string, maxAgeSeconds: number): string {
  const secure = isLoopbackHost(req.headers.host) ? '' : '; Secure';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/** Handles the session endpoints; false when the request is for another route. */
export async function handleSessionRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cors: Record<string, string>,
  { store, allowedOrigins, bodyTimeoutMs, guard }: SessionRouteContext,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (path !== PATHS.session || (method !== 'POST' && method !== 'DELETE')) return false;
  assertNotCrossSite(req, allowedOrigins);
  assertJsonRequest(req);
  if (method === 'POST') {
    const body = asObject(await readJsonBody(req, bodyTimeoutMs));
    const token = body.token;
    const user = await guard.attempt(req, async () =>
      typeof token === 'string' ? store.findUserByToken(token) : null,
    );
    if (!user) throw new HttpError(401, 'invalid token');
    const session = await store.createSession(user.username);
    sendJson(
      res,
      200,
      { username: user.username, role: user.role },
      { ...cors, 'Set-Cookie': formatSessionCookie(req, session.id, session.maxAgeSeconds) },
    );
    return true;
  }
  const session = getCookie(req, SESSION_COOKIE);
  if (session) await store.deleteSession(session);
  res.writeHead(204, { ...cors, 'Set-Cookie': formatSessionCookie(req, '', 0) });
  res.end();
  return true;
}
