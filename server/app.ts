/**
 * The reference notification server: implements docs/protocol.md on node:http, plus the admin endpoints used by the
 * demo, the tests and the benchmarks.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEARTBEAT_INTERVAL_MS } from '../utils/protocol/wire';
import { getCorsHeaders, HttpError, sendError } from './http-utils';
import { attachPersistence, type Persistence } from './persistence';
import { createRoutes } from './routes';
import { formatMessageEvent, SseHub } from './sse-hub';
import { NotificationStore, type LoggedEvent, type User } from './store';

export interface BeaconServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Token for the /admin endpoints. */
  adminToken: string;
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
  /** Keep data in DIR/state.json across restarts; in memory when undefined. */
  dataDir?: string;
  /** Users created (or updated) at start. */
  users?: User[];
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
  readonly store: NotificationStore;
  /** Number of open event streams. */
  streamCount(): number;
  /** Ends every open stream but keeps serving: clients reconnect with Last-Event-ID (tests, fault drills). */
  dropStreams(): void;
  close(): Promise<void>;
}

export async function startBeaconServer(options: BeaconServerOptions): Promise<BeaconServer> {
  const store = new NotificationStore({ replayLimit: options.replayLimit });
  const persistence: Persistence | null = options.dataDir ? await attachPersistence(store, options.dataDir) : null;
  for (const user of options.users ?? []) store.upsertUser(user);
  const hub = new SseHub(options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS);
  const log = options.log ?? (() => {});
  const format = options.legacyEvents
    ? (event: LoggedEvent) => formatMessageEvent(toLegacyEvent(event))
    : formatMessageEvent;
  store.onEvent((username, event) => hub.send(username, format(event)));

  const routes = createRoutes({ store, hub, options, log, format });
  const server = createServer((req, res) => {
    options.onRequest?.({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    routes(req, res).catch((error: unknown) => {
      const httpError = error instanceof HttpError ? error : new HttpError(500, 'internal server error');
      if (!(error instanceof HttpError)) log(`error: ${String(error)}`);
      if (res.headersSent) res.destroy();
      else
        sendError(
          res,
          new HttpError(httpError.status, httpError.message, { ...getCorsHeaders(req), ...httpError.headers }),
        );
    });
  });
  // Streams are long-lived: no socket timeout, and Nagle off so small events leave at once.
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.requestTimeout = 0;

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
      })()),
  };
}

/** The legacy payload: only the notice type. */
function toLegacyEvent(event: LoggedEvent): LoggedEvent {
  const { notice_type } = JSON.parse(event.data) as { notice_type: number };
  return { ...event, data: JSON.stringify({ notice_type }) };
}
