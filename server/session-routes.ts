/**
 * The cookie sign-in the reference web page uses (`POST`/`DELETE /auth/session`). Both are guarded against other
 * origins (login CSRF, forced sign-out) like every cookie-authenticated change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PATHS } from '../utils/protocol/wire';
import type { CredentialGuard } from './credential-guard';
import { getCookie, HttpError, readJsonBody, sendJson } from './http-utils';
import { formatLogValue } from './log-text';
import { assertJsonRequest, assertNotCrossSite, isLoopbackHost } from './origin-policy';
import { asObject } from './request-validation';
import { formatSessionCookie, type SessionCookiePolicy } from './session-cookie';
import type { NotificationBackend } from './store/backend';

interface SessionRouteContext {
  store: NotificationBackend;
  allowedOrigins: ReadonlySet<string>;
  bodyTimeoutMs: number;
  sessionCookie: SessionCookiePolicy;
  log: (line: string) => void;
  guard: CredentialGuard;
}

/** Servers (by their context) that already logged the hint below: once is enough, and a client cannot flood it. */
const hinted = new WeakSet<SessionRouteContext>();

/**
 * A sign-in through a public name to a server configured as loopback over plain HTTP: most likely a TLS proxy in
 * front and no `--public-url`, so the cookie lacks `Secure`. The Host only prompts the hint, never the decision.
 */
function hintPublicUrl(req: IncomingMessage, context: SessionRouteContext): void {
  if (context.sessionCookie.secure || isLoopbackHost(req.headers.host) || hinted.has(context)) return;
  hinted.add(context);
  context.log(
    `session cookie set without Secure for a request to Host ${formatLogValue(req.headers.host ?? '')}: ` +
      'behind a TLS proxy, start the server with --public-url https://…',
  );
}

/** Handles the session endpoints; false when the request is for another route. */
export async function handleSessionRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cors: Record<string, string>,
  context: SessionRouteContext,
): Promise<boolean> {
  const { store, allowedOrigins, bodyTimeoutMs, sessionCookie, guard } = context;
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
    // Session fixation: a session the browser already carried (perhaps planted by someone else) must not stay
    // valid across a sign-in. Deleting it ends its streams, on every instance.
    const carried = getCookie(req, sessionCookie.name);
    if (carried) await store.deleteSession(carried);
    const session = await store.createSession(user.username);
    hintPublicUrl(req, context);
    sendJson(
      res,
      200,
      { username: user.username, role: user.role },
      { ...cors, 'Set-Cookie': formatSessionCookie(sessionCookie, session.id, session.maxAgeSeconds) },
    );
    return true;
  }
  const session = getCookie(req, sessionCookie.name);
  if (session) await store.deleteSession(session);
  res.writeHead(204, { ...cors, 'Set-Cookie': formatSessionCookie(sessionCookie, '', 0) });
  res.end();
  return true;
}
