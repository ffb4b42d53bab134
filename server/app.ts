/**
 * The reference notification server: implements docs/protocol.md on node:http, plus the admin endpoints used by the
 * demo, the tests and the benchmarks.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEARTBEAT_INTERVAL_MS } from '../utils/protocol/wire';
import type { BackoffPolicy } from './auth-backoff';
import { HttpError, sendError, unavailable } from './http-utils';
import { escapeLogLine, formatLogValue } from './log-text';
import { applyLimits, DEFAULT_LIMITS, getTimeoutCheckInterval, type ServerLimits } from './limits';
import { getCorsHeaders, parseAllowedOrigins } from './origin-policy';
import { createRoutes } from './routes';
import { getTokenProblem } from './secrets';
import { getSessionCookiePolicy } from './session-cookie';
import { formatMessageEvent, getEventCategory, SseHub } from './sse-hub';
import { BackendUnavailableError, type LoggedEvent, type NotificationBackend, type UserSpec } from './store/backend';
import { MemoryStore } from './store/memory-store';
import { attachPersistence, type Persistence } from './store/persistence';
import { RedisStore } from './store/redis-store';

export interface BeaconServerOptions extends Partial<ServerLimits> {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /**
   * The origin browsers reach this server at (`https://beacon.example.com`), when a proxy stands in front. It decides
   * whether the session cookie is `Secure` (and `__Host-` prefixed); without it, the listening host decides.
   */
  publicUrl?: string;
  /** Token for the /admin endpoints; at least 16 characters, or the server refuses to start. */
  adminToken: string;
  /**
   * Web app origins that may read with the user's cookie (CORS) and change state with it (CSRF). Beacon itself
   * needs none: an extension with host permission is not subject to CORS (docs/security.md).
   */
  allowedOrigins?: string[];
  /** Comment heartbeat interval (protocol: at most 15 s). */
  heartbeatMs?: number;
  /** `retry:` sent at the start of each stream, in ms; omitted when undefined. */
  retryMs?: number;
  replayLimit?: number;
  /** Send events as old servers did, `{"notice_type": n}` only, so clients must refetch counts. */
  legacyEvents?: boolean;
  /** Accept the deprecated `?username=` authentication (protocol §3). */
  legacyUsernameAuth?: boolean;
  maxStreamsPerUser?: number;
  /** Open streams of all users together (default 1000; 503 beyond). */
  maxStreams?: number;
  /** Cookie sessions end this long after sign-in (default 7 days). */
  sessionTtlMs?: number;
  /** Sessions one user may hold; the oldest is signed out beyond it (default 10). */
  maxSessionsPerUser?: number;
  /** The clock for session expiry, the sign-in back-off and the mark-read limit, in ms (tests). */
  now?: () => number;
  /** The back-off on wrong credentials (auth-backoff.ts); the defaults suit a public server. */
  authBackoff?: Partial<BackoffPolicy>;
  /** Mark-read calls per user: `burst` at once, then `perSecond` (default 30, then 1 a second; 429 beyond). */
  markReadLimit?: { burst: number; perSecond: number };
  /**
   * Behind a reverse proxy: count a request for the address in the last `X-Forwarded-For` entry (the one the proxy
   * appended) in the sign-in back-off. Off by default: any client can send that header.
   */
  trustProxy?: boolean;
  /** Keep data in DIR/state.json across restarts; in memory when undefined. Not with `redisUrl`. */
  dataDir?: string;
  /**
   * Keep everything in this Redis (`redis://HOST:PORT[/DB]`), shared by every instance using it, instead of this
   * process's memory (docs/deploying.md).
   */
  redisUrl?: string;
  /** Prefix of every Redis key, so several data sets can share one Redis (default `beacon:`). */
  redisPrefix?: string;
  /** Users created (or updated) at start. */
  users?: UserSpec[];
  /** One line per notable happening (streams opened and closed); never contains a token. */
  log?: (line: string) => void;
  /** Sees every request, for tests that check what the server received. */
  onRequest?: (request: RecordedRequest) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingMessage['headers'];
}

export interface BeaconServer {
  readonly url: string;
  readonly port: number;
  readonly store: NotificationBackend;
  /** Number of open event streams. */
  streamCount(): number;
  /** Ends every open stream but keeps serving: clients reconnect with Last-Event-ID (tests, fault drills). */
  dropStreams(): void;
  close(): Promise<void>;
}

export async function startBeaconServer(options: BeaconServerOptions): Promise<BeaconServer> {
  const adminTokenProblem = getTokenProblem(options.adminToken, 'the admin token');
  if (adminTokenProblem) throw new Error(adminTokenProblem);
  const allowedOrigins = parseAllowedOrigins(options.allowedOrigins ?? []);
  const sessionCookie = getSessionCookiePolicy(options);
  const limits: ServerLimits = {
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_LIMITS.bodyTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_LIMITS.idleTimeoutMs,
    maxConnections: options.maxConnections ?? DEFAULT_LIMITS.maxConnections,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? DEFAULT_LIMITS.maxConnectionsPerAddress,
  };
  const sink = options.log;
  // Every line once more through the escape, so a log call that forgot formatLogValue still cannot forge a line.
  const log = sink ? (line: string) => sink(escapeLogLine(line)) : () => {};
  const { store, persistence } = await openStore(options, log);
  for (const user of options.users ?? []) await store.upsertUser(user);
  const hub = new SseHub(options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS);
  const format = options.legacyEvents
    ? (event: LoggedEvent) => formatMessageEvent(toLegacyEvent(event))
    : formatMessageEvent;
  store.onEvent((username, event) => hub.send(username, event, format(event), getEventCategory(event)));
  // A revocation, or a role change (the stream's role decides what it may see): clients reconnect and re-authenticate.
  store.onRevoke((username, sessionKey) => hub.endFor(username, sessionKey));
  // Live events may have been missed: clients reconnect with Last-Event-ID and get them from the log.
  store.onInterrupted(() => hub.endAll());

  const routes = createRoutes({
    store,
    hub,
    options,
    allowedOrigins,
    bodyTimeoutMs: limits.bodyTimeoutMs,
    log,
    format,
    sessionCookie,
  });
  const server = createServer({ connectionsCheckingInterval: getTimeoutCheckInterval(limits) }, (req, res) => {
    options.onRequest?.({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    Promise.resolve()
      .then(() => checkConnections(req))
      .then(() => routes(req, res))
      .catch((error: unknown) => {
        const httpError =
          error instanceof HttpError
            ? error
            : error instanceof BackendUnavailableError
              ? unavailable()
              : new HttpError(500, 'internal server error');
        if (!(error instanceof HttpError)) log(`error: ${formatLogValue(error)}`);
        if (res.headersSent) res.destroy();
        else
          sendError(
            res,
            new HttpError(httpError.status, httpError.message, {
              ...getCorsHeaders(req, allowedOrigins),
              ...httpError.headers,
            }),
          );
      });
  });
  // Nagle off so small events leave at once. Streams are exempt from the idle timeout (routes.ts).
  server.on('connection', (socket) => socket.setNoDelay(true));
  const checkConnections = applyLimits(server, limits);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    store,
    streamCount: () => hub.size,
    dropStreams: () => hub.endAll(),
    close: () =>
      (closing ??= (async () => {
        hub.closeAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Keep-alive sockets that were busy a moment ago would otherwise hold close() for their idle timeout.
          setTimeout(() => server.closeAllConnections(), 100).unref();
        });
        await persistence?.stop();
        await store.close();
      })()),
  };
}

/** The memory store (saved to `dataDir` when given) or, with `redisUrl`, the Redis store. */
async function openStore(
  options: BeaconServerOptions,
  log: (line: string) => void,
): Promise<{ store: NotificationBackend; persistence: Persistence | null }> {
  const common = {
    replayLimit: options.replayLimit,
    sessionTtlMs: options.sessionTtlMs,
    maxSessionsPerUser: options.maxSessionsPerUser,
  };
  if (options.redisUrl) {
    if (options.dataDir) throw new Error('--data and --redis exclude each other: Redis keeps the data');
    const store = await RedisStore.connect(options.redisUrl, {
      ...common,
      prefix: options.redisPrefix,
      now: options.now,
      log,
    });
    return { store, persistence: null };
  }
  const now = options.now;
  const store = new MemoryStore({ ...common, now: now && (() => new Date(now())) });
  return { store, persistence: options.dataDir ? await attachPersistence(store, options.dataDir, log) : null };
}

/** The legacy payload: only the notice type. */
function toLegacyEvent(event: LoggedEvent): LoggedEvent {
  const { notice_type } = JSON.parse(event.data) as { notice_type: number };
  return { ...event, data: JSON.stringify({ notice_type }) };
}
