/** The reference server's routes (docs/protocol.md §4–§7, plus the admin endpoints): one function per request. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNoticeType } from '../utils/protocol/categories';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, PATHS, type MeBody } from '../utils/protocol/wire';
import type { BeaconServerOptions } from './app';
import { getBearerToken, getCookie, HttpError, readJsonBody, sendJson, sendPage, unavailable } from './http-utils';
import { exemptFromIdleTimeout } from './limits';
import { formatLogValue } from './log-text';
import { assertJsonRequest, assertNotCrossSite, getCorsHeaders } from './origin-policy';
import {
  asObject,
  optionalText,
  optionalUrl,
  parseIntegerParam,
  parseReadIds,
  requireCategory,
  requireVisible,
} from './request-validation';
import { CredentialGuard } from './credential-guard';
import { RateLimiter } from './rate-limiter';
import { getTokenProblem, secretsEqual } from './secrets';
import type { SessionCookiePolicy } from './session-cookie';
import { handleSessionRoute } from './session-routes';
import { formatResyncEvent, isEventVisible, type SseHub } from './sse-hub';
import { getStartPage, START_PAGE_CSP, START_SCRIPT, START_SCRIPT_PATH } from './start-page';
import { BackendUnavailableError, type LoggedEvent, type NotificationBackend, type User } from './store/backend';

interface RouteContext {
  format: (event: LoggedEvent) => string;
  store: NotificationBackend;
  hub: SseHub;
  options: BeaconServerOptions;
  allowedOrigins: ReadonlySet<string>;
  bodyTimeoutMs: number;
  log: (line: string) => void;
  sessionCookie: SessionCookiePolicy;
}

/** Who made a request, and how: only a bearer token proves the request did not come from another site's page. */
interface Caller {
  user: User;
  via: 'token' | 'cookie' | 'username';
  session?: { key: string; expiresAt: number };
}

/** Mark-read calls per user: a burst of 30, then one a second (each logs an event and costs store time). */
const DEFAULT_MARK_READ_LIMIT = { burst: 30, perSecond: 1 };

export function createRoutes(context: RouteContext) {
  const { store, hub, options, allowedOrigins, bodyTimeoutMs, log, format, sessionCookie } = context;
  const now = options.now ?? Date.now;
  const guard = new CredentialGuard({ policy: options.authBackoff, now, trustProxy: options.trustProxy ?? false });
  const markReadLimit = options.markReadLimit ?? DEFAULT_MARK_READ_LIMIT;
  const markReads = new RateLimiter(markReadLimit.burst, markReadLimit.perSecond, now);

  const authenticate = async (req: IncomingMessage, url: URL): Promise<Caller> => {
    const token = getBearerToken(req);
    if (token) {
      const user = await guard.attempt(req, () => store.findUserByToken(token));
      if (!user) throw new HttpError(401, 'invalid or expired token');
      return { user, via: 'token' };
    }
    const sessionId = getCookie(req, sessionCookie.name);
    const session = sessionId ? await store.findSession(sessionId) : null;
    if (session) return { user: session.user, via: 'cookie', session };
    const legacyName = url.searchParams.get('username');
    if (legacyName !== null && options.legacyUsernameAuth) {
      const user = await guard.attempt(req, () => store.getUser(legacyName));
      if (!user) throw new HttpError(401, 'unknown username');
      return { user, via: 'username' };
    }
    throw new HttpError(401, 'sign-in required');
  };

  const requireAdmin = async (req: IncomingMessage) => {
    const verify = async () => secretsEqual(getBearerToken(req) ?? '', options.adminToken) || null;
    if (!(await guard.attempt(req, verify, 'admin'))) throw new HttpError(401, 'admin token required');
  };

  const openStream = async (
    req: IncomingMessage,
    res: ServerResponse,
    caller: Caller,
    cors: Record<string, string>,
  ) => {
    const { user, session } = caller;
    const limit = options.maxStreamsPerUser ?? 16;
    if (hub.countFor(user.username) >= limit) {
      throw new HttpError(429, `more than ${limit} open streams for this user`, { 'Retry-After': '5' });
    }
    const total = options.maxStreams ?? 1000;
    if (hub.size >= total) throw new HttpError(503, `more than ${total} open streams`, { 'Retry-After': '10' });
    // A stream opened while live events cannot arrive would look connected and stay silent.
    if (!store.isAvailable()) throw unavailable();
    res.writeHead(200, {
      ...cors,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const lastEventId = req.headers['last-event-id'];
    const wantsReplay = typeof lastEventId === 'string' && lastEventId !== '';
    // Subscribe before reading the replay, holding live events meanwhile, so no event can fall between them.
    hub.add(user.username, user.role, res, session?.key ?? null, wantsReplay);
    exemptFromIdleTimeout(res);
    // A role change between authenticating and subscribing ended the streams before this one joined: read it again.
    const current = await store.getUser(user.username);
    if (current?.role !== user.role) {
      res.end();
      return;
    }
    if (session) {
      // The stream must not outlive the session that opened it.
      const expiry = setTimeout(() => res.end(), Math.max(0, session.expiresAt - now()));
      expiry.unref();
      res.on('close', () => clearTimeout(expiry));
    }
    let head = options.retryMs !== undefined ? `retry: ${options.retryMs}\n\n` : '';
    head += ': connected\n\n';
    if (wantsReplay) {
      const replay = await store.replaySince(user.username, lastEventId);
      // Hidden events leave gaps in the ids; the client resumes after the last one it got, still in the log.
      head +=
        replay.kind === 'resync'
          ? formatResyncEvent(replay.latestId)
          : replay.events
              .filter((event) => isEventVisible(event, user.role))
              .map(format)
              .join('');
      hub.release(res, head, new Set(replay.kind === 'replay' ? replay.events.map((event) => event.id) : []));
    } else res.write(head);
    const name = formatLogValue(user.username);
    log(`stream opened for ${name} (${hub.countFor(user.username)} open)`);
    res.on('close', () => log(`stream closed for ${name}`));
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cors = getCorsHeaders(req, allowedOrigins);
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const notFound = () => new HttpError(404, `no route for ${method} ${path}`);

    if (method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (method === 'GET' && path === '/healthz') {
      // A load balancer takes an instance that cannot reach its store out of rotation.
      if (!store.isAvailable()) throw unavailable();
      return sendJson(res, 200, { ok: true, streams: hub.size }, cors);
    }
    if (method === 'GET' && path === '/') {
      return sendPage(res, 'text/html', getStartPage(url.searchParams.get('category')), START_PAGE_CSP);
    }
    if (method === 'GET' && path === START_SCRIPT_PATH)
      return sendPage(res, 'text/javascript', START_SCRIPT, "default-src 'none'");

    if (path === PATHS.stream) {
      if (method !== 'GET') throw notFound();
      return openStream(req, res, await authenticate(req, url), cors);
    }
    if (path === PATHS.me) {
      if (method !== 'GET') throw notFound();
      const { user } = await authenticate(req, url);
      return sendJson(res, 200, { username: user.username, role: user.role } satisfies MeBody, cors);
    }

    const listMatch = /^\/notification\/([^/]+)$/.exec(path);
    if (listMatch && method === 'GET') {
      const category = requireCategory(listMatch[1]!);
      const { user } = await authenticate(req, url);
      requireVisible(category, user);
      const page = parseIntegerParam(url, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
      const limit = parseIntegerParam(url, 'limit', DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT);
      return sendJson(res, 200, await store.list(user.username, category, page, limit), cors);
    }

    const readMatch = /^\/notification\/([^/]+)\/read$/.exec(path);
    if (readMatch && method === 'POST') {
      const category = requireCategory(readMatch[1]!);
      const { user, via } = await authenticate(req, url);
      if (via !== 'token') {
        // The cookie (or a bare username) would come along with another site's request too.
        assertNotCrossSite(req, allowedOrigins);
        assertJsonRequest(req);
      }
      requireVisible(category, user);
      markReads.take(user.username, 'mark-read calls for this user');
      const body = await readJsonBody(req, bodyTimeoutMs);
      await store.markRead(user.username, category, parseReadIds(body));
      res.writeHead(204, cors);
      res.end();
      return;
    }

    if (await handleSessionRoute(req, res, path, cors, { ...context, guard })) return;

    if (path === '/admin/publish' && method === 'POST') {
      await requireAdmin(req);
      const body = asObject(await readJsonBody(req, bodyTimeoutMs));
      if (typeof body.username !== 'string' || !(await store.getUser(body.username))) {
        throw new HttpError(404, 'unknown username');
      }
      if (!isNoticeType(body.notice_type)) throw new HttpError(400, 'notice_type must be an integer from 0 to 5');
      const title = optionalText(body, 'title');
      const content = optionalText(body, 'content');
      const published = await store.publish(body.username, {
        notice_type: body.notice_type,
        title,
        content,
        url: optionalUrl(body.url),
      });
      return sendJson(
        res,
        201,
        { id: published.item.id, event_id: published.event.id, unread_count: published.unreadCount },
        cors,
      );
    }

    const userMatch = /^\/admin\/users\/([^/]+)$/.exec(path);
    if (userMatch && method === 'PUT') {
      await requireAdmin(req);
      const body = asObject(await readJsonBody(req, bodyTimeoutMs));
      const role = body.role ?? 'user';
      if (typeof role !== 'string' || role === '') throw new HttpError(400, 'role must be a non-empty string');
      const tokenProblem =
        body.token === undefined || body.token === null ? null : getTokenProblem(body.token, 'token');
      if (tokenProblem) throw new HttpError(400, tokenProblem);
      try {
        const user = await store.upsertUser({
          username: decodeURIComponent(userMatch[1]!),
          role,
          // Absent: keep the current token (a role change must not sign the user out); null: remove it.
          token: body.token as string | null | undefined,
        });
        return sendJson(res, 200, { username: user.username, role: user.role }, cors);
      } catch (error) {
        if (error instanceof BackendUnavailableError) throw error;
        throw new HttpError(409, (error as Error).message);
      }
    }

    throw notFound();
  };
}
