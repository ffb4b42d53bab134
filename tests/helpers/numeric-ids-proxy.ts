/**
 * A server whose item ids are JSON numbers, as SQL-backed servers send them (issue #24 item 1): a proxy in front of
 * the reference server that rewrites its item lists and events (`"id": "n-17"` → `"id": 17`, `"read": false` → `0`)
 * and the mark-read bodies coming back (`17` → `"n-17"`), recording each body as the client sent it. The reference
 * server keeps the truth; an operator's server needs no such option, so it lives here (like the fault proxy).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { listenOnLoopback } from './loopback-listen';

/** A mark-read body as the client sent it, before the proxy turned its numbers back into the server's ids. */
interface ReceivedMarkRead {
  path: string;
  body: unknown;
}

export interface NumericIdsProxy {
  readonly url: string;
  readonly markReads: ReceivedMarkRead[];
  close(): Promise<void>;
}

const REFERENCE_ID = /^n-(\d+)$/;
const MARK_READ_PATH = /^\/notification\/[a-z_]+\/read(?:\?|$)/;
const LIST_PATH = /^\/notification\/[a-z_]+(?:\?|$)/;

/** An item or event payload with a numeric id and `read` as 0/1, as a SQL row serialised by a careless server. */
function toSqlShape(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const item = { ...(value as Record<string, unknown>) };
  const match = typeof item.id === 'string' ? REFERENCE_ID.exec(item.id) : null;
  if (match) item.id = Number(match[1]);
  if (typeof item.read === 'boolean') item.read = item.read ? 1 : 0;
  return item;
}

/** A mark-read body with the client's numbers turned back into the reference server's ids. */
function toReferenceIds(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { ids?: unknown }).ids)) return body;
  const ids = (body as { ids: unknown[] }).ids.map((id) => (typeof id === 'number' ? `n-${id}` : id));
  return { ...body, ids };
}

const readAll = async (stream: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

function rewriteList(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (!Array.isArray(body.data)) return text;
    return JSON.stringify({ ...body, data: body.data.map(toSqlShape) });
  } catch {
    return text;
  }
}

function rewriteEventLine(line: string): string {
  if (!line.startsWith('data:')) return line;
  try {
    return `data: ${JSON.stringify(toSqlShape(JSON.parse(line.slice(5))))}`;
  } catch {
    return line;
  }
}

/** Passes the stream on line by line (the reference server ends lines with LF), each `data:` line rewritten. */
function pipeEvents(upstream: IncomingMessage, res: ServerResponse): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  upstream.on('data', (chunk: Buffer) => {
    const lines = (pending + decoder.write(chunk)).split('\n');
    pending = lines.pop()!;
    if (lines.length > 0) res.write(lines.map(rewriteEventLine).join('\n') + '\n');
  });
  upstream.on('end', () => res.end(pending));
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
}

export async function startNumericIdsProxy(target: () => string): Promise<NumericIdsProxy> {
  const markReads: ReceivedMarkRead[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: string | null) => {
    const url = new URL(req.url ?? '/', target());
    const headers = { ...req.headers, host: url.host };
    if (body !== null) headers['content-length'] = String(Buffer.byteLength(body));
    const upstreamRequest = httpRequest(url, { method: req.method, headers }, (upstream) => {
      const type = upstream.headers['content-type'] ?? '';
      if (type.startsWith('text/event-stream')) {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        res.flushHeaders();
        return pipeEvents(upstream, res);
      }
      if (!(req.method === 'GET' && LIST_PATH.test(req.url ?? '') && type.startsWith('application/json'))) {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        return void upstream.pipe(res);
      }
      void readAll(upstream).then((text) => {
        const rewritten = rewriteList(text);
        res.writeHead(upstream.statusCode ?? 502, {
          ...upstream.headers,
          'content-length': String(Buffer.byteLength(rewritten)),
        });
        res.end(rewritten);
      });
    });
    upstreamRequest.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'upstream is down' }));
    });
    res.on('close', () => upstreamRequest.destroy());
    if (body === null) req.pipe(upstreamRequest);
    else upstreamRequest.end(body);
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || !MARK_READ_PATH.test(req.url ?? '')) return forward(req, res, null);
    void readAll(req).then((text) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return forward(req, res, text); // the server's 400 is the answer
      }
      markReads.push({ path: new URL(req.url ?? '/', 'http://proxy').pathname, body });
      forward(req, res, JSON.stringify(toReferenceIds(body)));
    });
  });
  const listening = await listenOnLoopback(server);
  return { ...listening, markReads };
}
