/** The reference server's routes (docs/protocol.md §4–§7, plus the admin endpoints): one function per request. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isCategory, isNoticeType } from '../utils/protocol/categories';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, PATHS, type MeBody } from '../utils/protocol/wire';
import type { BeaconServerOptions } from './app';
import { getBearerToken, getCookie, getCorsHeaders, HttpError, readJsonBody, sendHtml, sendJson } from './http-utils';
import {
  asObject,
  optionalText,
  optionalUrl,
  parseIntegerParam,
  parseReadIds,
  requireCategory,
  requireVisible,
} from './request-validation';
import { formatResyncEvent, type SseHub } from './sse-hub';
import type { LoggedEvent, NotificationStore, User } from './store';

const SESSION_COOKIE = 'beacon_session';

interface RouteContext {
  format: (event: LoggedEvent) => string;
  store: NotificationStore;
  hub: SseHub;
  options: BeaconServerOptions;
  log: (line: string) => void;
}

export function createRoutes({ store, hub, options, log, format }: RouteContext) {
  const authenticate = (req: IncomingMessage, url: URL): User => {
    const token = getBearerToken(req);
    if (token) {
      const user = store.findUserByToken(token);
      if (!user) throw new HttpError(401, 'invalid or expired token');
      return user;
    }
    const session = getCookie(req, SESSION_COOKIE);
    const sessionUser = session ? store.findUserBySession(session) : null;
    if (sessionUser) return sessionUser;
    const legacyName = url.searchParams.get('username');
    if (legacyName !== null && options.legacyUsernameAuth) {
      const user = store.getUser(legacyName);
      if (!user) throw new HttpError(401, 'unknown username');
      return user;
    }
    throw new HttpError(401, 'sign-in required');
  };

  const requireAdmin = (req: IncomingMessage) => {
    if (getBearerToken(req) !== options.adminToken) throw new HttpError(401, 'admin token required');
  };

  const openStream = (req: IncomingMessage, res: ServerResponse, user: User, cors: Record<string, string>) => {
    const limit = options.maxStreamsPerUser ?? 16;
    if (hub.countFor(user.username) >= limit) {
      throw new HttpError(429, `more than ${limit} open streams for this user`, { 'Retry-After': '5' });
    }
    res.writeHead(200, {
      ...cors,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // Subscribing and replaying happen in one tick, so no event can fall between them.
    hub.add(user.username, res);
    let head = options.retryMs !== undefined ? `retry: ${options.retryMs}\n\n` : '';
    head += ': connected\n\n';
    const lastEventId = req.headers['last-event-id'];
    if (typeof lastEventId === 'string' && lastEventId !== '') {
      const replay = store.replaySince(user.username, lastEventId);
      head += replay.kind === 'resync' ? formatResyncEvent(replay.latestId) : replay.events.map(format).join('');
    }
    res.write(head);
    log(`stream opened for ${user.username} (${hub.countFor(user.username)} open)`);
    res.on('close', () => log(`stream closed for ${user.username}`));
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cors = getCorsHeaders(req);
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const notFound = () => new HttpError(404, `no route for ${method} ${path}`);

    if (method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (method === 'GET' && path === '/healthz') return sendJson(res, 200, { ok: true, streams: hub.size }, cors);
    if (method === 'GET' && path === '/') return sendHtml(res, getStartPage(url.searchParams.get('category')));

    if (path === PATHS.stream) {
      if (method !== 'GET') throw notFound();
      return openStream(req, res, authenticate(req, url), cors);
    }
    if (path === PATHS.me) {
      if (method !== 'GET') throw notFound();
      const user = authenticate(req, url);
      return sendJson(res, 200, { username: user.username, role: user.role } satisfies MeBody, cors);
    }

    const listMatch = /^\/notification\/([^/]+)$/.exec(path);
    if (listMatch && method === 'GET') {
      const category = requireCategory(listMatch[1]!);
      const user = authenticate(req, url);
      requireVisible(category, user);
      const page = parseIntegerParam(url, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
      const limit = parseIntegerParam(url, 'limit', DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT);
      return sendJson(res, 200, store.list(user.username, category, page, limit), cors);
    }

    const readMatch = /^\/notification\/([^/]+)\/read$/.exec(path);
    if (readMatch && method === 'POST') {
      const category = requireCategory(readMatch[1]!);
      const user = authenticate(req, url);
      requireVisible(category, user);
      const body = await readJsonBody(req);
      store.markRead(user.username, category, parseReadIds(body));
      res.writeHead(204, cors);
      res.end();
      return;
    }

    if (path === PATHS.session && method === 'POST') {
      const body = asObject(await readJsonBody(req));
      const user = typeof body.token === 'string' ? store.findUserByToken(body.token) : null;
      if (!user) throw new HttpError(401, 'invalid token');
      const session = store.createSession(user.username);
      return sendJson(
        res,
        200,
        { username: user.username, role: user.role },
        {
          ...cors,
          'Set-Cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=None; Secure; Max-Age=2592000`,
        },
      );
    }
    if (path === PATHS.session && method === 'DELETE') {
      const session = getCookie(req, SESSION_COOKIE);
      if (session) store.deleteSession(session);
      res.writeHead(204, {
        ...cors,
        'Set-Cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=None; Secure; Max-Age=0`,
      });
      res.end();
      return;
    }

    if (path === '/admin/publish' && method === 'POST') {
      requireAdmin(req);
      const body = asObject(await readJsonBody(req));
      if (typeof body.username !== 'string' || !store.getUser(body.username)) {
        throw new HttpError(404, 'unknown username');
      }
      if (!isNoticeType(body.notice_type)) throw new HttpError(400, 'notice_type must be an integer from 0 to 5');
      const title = optionalText(body, 'title');
      const content = optionalText(body, 'content');
      const published = store.publish(body.username, {
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
      requireAdmin(req);
      const body = asObject(await readJsonBody(req));
      const role = body.role ?? 'user';
      if (typeof role !== 'string' || role === '') throw new HttpError(400, 'role must be a non-empty string');
      if (
        body.token !== undefined &&
        body.token !== null &&
        (typeof body.token !== 'string' || body.token.length < 8)
      ) {
        throw new HttpError(400, 'token must be a string of at least 8 characters');
      }
      try {
        const user = store.upsertUser({
          username: decodeURIComponent(userMatch[1]!),
          role,
          token: (body.token as string) ?? null,
        });
        return sendJson(res, 200, { username: user.username, role: user.role }, cors);
      } catch (error) {
        throw new HttpError(409, (error as Error).message);
      }
    }

    throw notFound();
  };
}

/** The page at `/`: in the demo it stands in for the web app that notification clicks open. */
function getStartPage(category: string | null): string {
  const shown =
    category && isCategory(category) ? `<p>You opened the <strong>${category}</strong> notifications.</p>` : '';
  return `<!doctype html><meta charset="utf-8"><title>Beacon reference server</title>
<body style="font: 16px system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Beacon reference server</h1>${shown}
<p>This server implements Beacon's notification protocol (docs/protocol.md). In the demo, this page stands in for your
web app: clicking a Beacon notification or "Open app" brings you here.</p></body>`;
}
