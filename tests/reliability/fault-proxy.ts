/**
 * A fault-injection proxy in front of the reference server. Beacon talks to the proxy; the proxy forwards to the
 * real server, except when told to misbehave: drop or stall streams, inject bad events, answer with an HTTP error,
 * reframe the stream (1-byte chunks, CRLF, BOM), delay the stream's answer, or go away. The reference server behind
 * it keeps the truth (counts, event ids, replay), so what Beacon shows can always be compared with it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerWithRestFault, COUNT_PATH, type RestFault } from './rest-faults';

export type { RestFault } from './rest-faults';

export interface ProxiedRequest {
  at: number;
  method: string;
  /** Path and query as sent by the client. */
  url: string;
  authorization: string | null;
  /** How the proxy answered: 'forwarded', an injected status, or 'upstream-down'. */
  outcome: string;
}

/** An answer the proxy gives instead of forwarding. */
interface InjectedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** 'stream': only the event stream; 'all': every request. */
  scope: 'stream' | 'all';
}

interface StreamFraming {
  /** Forward the stream this many bytes per write (1 = byte by byte). */
  chunkBytes?: number;
  /** Rewrite LF line ends to CRLF. */
  crlf?: boolean;
  /** Start each stream with a UTF-8 byte order mark. */
  bom?: boolean;
}

const STREAM_PATH = '/notification/socket_connection';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** One client stream: upstream bytes and injected bytes go out in order, never interleaved mid-chunk. */
class ProxiedStream {
  private queue: Buffer[] = [];
  private writing = false;
  stalled = false;
  /** When the client was last sent a byte (the stall clock of a client starts here). */
  lastWriteAt = Date.now();

  constructor(
    readonly response: ServerResponse,
    readonly upstream: IncomingMessage,
    private readonly framing: StreamFraming,
  ) {}

  push(chunk: Buffer): void {
    if (this.stalled) return; // a stalled stream sends nothing, not even heartbeats
    this.queue.push(
      this.framing.crlf ? Buffer.from(chunk.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : chunk,
    );
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    const size = this.framing.chunkBytes ?? Infinity;
    while (this.queue.length && !this.response.destroyed) {
      const chunk = this.queue.shift()!;
      this.lastWriteAt = Date.now();
      if (size === Infinity) this.response.write(chunk);
      else
        for (let offset = 0; offset < chunk.length && !this.response.destroyed; offset += size) {
          this.response.write(chunk.subarray(offset, offset + size));
          this.lastWriteAt = Date.now();
          await new Promise((resolve) => setImmediate(resolve));
        }
    }
    this.writing = false;
  }

  destroy(): void {
    this.upstream.destroy();
    this.response.destroy();
  }
}

export interface FaultProxy {
  readonly url: string;
  readonly requests: ProxiedRequest[];
  openStreams(): number;
  /** Every request (or only the stream) gets this answer until `clearAnswer`. */
  answerWith(answer: InjectedAnswer): void;
  clearAnswer(): void;
  /** Cuts every open stream. */
  dropStreams(): void;
  /** Open streams stop sending anything (no events, no heartbeats); new streams are normal. Returns when they last sent a byte. */
  stallStreams(): number;
  /** Writes raw bytes into every open stream, between upstream chunks. */
  inject(bytes: Buffer | string): number;
  /** Framing for streams opened from now on. */
  setFraming(framing: StreamFraming): void;
  /** The stream's answer is held back this long (0 = off). */
  delayStreams(ms: number): void;
  /**
   * Count requests from now on misbehave (null = forwarded again). Requests already hanging or trickling stay so
   * until the client gives up on them: a dead request does not come back to life when the server recovers.
   */
  setRestFault(fault: RestFault | null): void;
  /** Streams opened from now on reach the server without their Last-Event-ID (no replay, as after a lost log). */
  setReplay(on: boolean): void;
  /**
   * Stops listening and cuts every connection: connections are refused, as from a dead server. (Accepting and
   * resetting them instead would make Firefox retry each request up to 10 times on its own.)
   */
  goAway(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(options: { target: () => string; host?: string }): Promise<FaultProxy> {
  const requests: ProxiedRequest[] = [];
  const streams = new Set<ProxiedStream>();
  const sockets = new Set<Socket>();
  let answer: InjectedAnswer | null = null;
  let framing: StreamFraming = {};
  let streamDelayMs = 0;
  let restFault: RestFault | null = null;
  let replay = true;
  const heldResponses = new Set<ServerResponse>();
  let away = false;

  const forward = (req: IncomingMessage, res: ServerResponse, record: ProxiedRequest) => {
    const target = new URL(req.url ?? '/', options.target());
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
    if (!replay) delete headers['last-event-id'];
    const upstreamRequest = httpRequest(target, { method: req.method, headers }, (upstream) => {
      const isStream = (upstream.headers['content-type'] ?? '').startsWith('text/event-stream');
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      if (!isStream) {
        upstream.pipe(res);
        return;
      }
      res.flushHeaders();
      const stream = new ProxiedStream(res, upstream, framing);
      streams.add(stream);
      if (framing.bom) res.write(BOM);
      upstream.on('data', (chunk: Buffer) => stream.push(chunk));
      upstream.on('end', () => res.end());
      upstream.on('error', () => res.destroy());
      res.on('close', () => {
        streams.delete(stream);
        upstream.destroy();
      });
    });
    upstreamRequest.on('error', () => {
      record.outcome = 'upstream-down';
      if (!res.headersSent)
        res.writeHead(502, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'upstream is down' }));
      else res.destroy();
    });
    req.pipe(upstreamRequest);
    res.on('close', () => upstreamRequest.destroy());
  };

  const server = createServer((req, res) => {
    const isStream = (req.url ?? '').startsWith(STREAM_PATH);
    const record: ProxiedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      authorization: req.headers.authorization ?? null,
      outcome: 'forwarded',
    };
    requests.push(record);
    const injected = answer && req.method !== 'OPTIONS' && (answer.scope === 'all' || isStream) ? answer : null;
    if (injected) {
      record.outcome = String(injected.status);
      const body =
        injected.body ??
        (injected.status >= 400 ? JSON.stringify({ error: `injected fault: HTTP ${injected.status}` }) : '');
      const contentType = injected.status >= 400 ? { 'Content-Type': 'application/json' } : {};
      res.writeHead(injected.status, {
        ...contentType,
        ...injected.headers,
        'Access-Control-Allow-Origin': req.headers.origin ?? '*',
      });
      res.end(injected.status === 204 ? undefined : body);
      return;
    }
    if (restFault && req.method === 'GET' && COUNT_PATH.test(req.url ?? '')) {
      record.outcome = restFault;
      heldResponses.add(res);
      res.on('close', () => heldResponses.delete(res));
      answerWithRestFault(restFault, req, res);
      return;
    }
    if (isStream && streamDelayMs > 0) {
      let closed = false;
      res.on('close', () => (closed = true));
      setTimeout(() => !closed && forward(req, res, record), streamDelayMs);
    } else forward(req, res, record);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const dropStreams = () => {
    for (const stream of streams) stream.destroy();
    streams.clear();
  };
  const destroyHeld = () => {
    for (const res of heldResponses) res.destroy();
    heldResponses.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    openStreams: () => streams.size,
    answerWith: (value) => void (answer = value),
    clearAnswer: () => void (answer = null),
    dropStreams,
    stallStreams() {
      let lastWriteAt = 0;
      for (const stream of streams) {
        stream.stalled = true;
        lastWriteAt = Math.max(lastWriteAt, stream.lastWriteAt);
      }
      return lastWriteAt;
    },
    inject(bytes) {
      const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
      let written = 0;
      for (const stream of streams)
        if (!stream.stalled) {
          stream.push(buffer);
          written++;
        }
      return written;
    },
    setFraming: (value) => void (framing = { ...value }),
    delayStreams: (ms) => void (streamDelayMs = ms),
    setRestFault: (fault) => void (restFault = fault),
    setReplay: (on) => void (replay = on),
    async goAway() {
      if (away) return;
      away = true;
      dropStreams();
      destroyHeld();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
    async comeBack() {
      if (!away) return;
      away = false;
      await new Promise<void>((resolve) => server.listen(port, options.host ?? '127.0.0.1', resolve));
    },
    async close() {
      dropStreams();
      destroyHeld();
      for (const socket of sockets) socket.destroy();
      if (!away) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
