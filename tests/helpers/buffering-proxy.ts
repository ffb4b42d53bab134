/**
 * A loopback reverse proxy that buffers responses the way nginx does with `proxy_buffering on` (and the upstream's
 * `X-Accel-Buffering: no` ignored, as `proxy_ignore_headers X-Accel-Buffering` does): the status and headers go out
 * at once, the body is held until `holdBytes` of it are waiting (or the upstream ends). A finished REST answer comes
 * through whole; an event stream's headers arrive, then nothing until the heartbeats and events fill the buffer.
 */
import { createServer, request as httpRequest } from 'node:http';
import { listenOnLoopback } from './loopback-listen';

export interface BufferingProxy {
  readonly url: string;
  close(): Promise<void>;
}

/** nginx's default `proxy_buffer_size` on most platforms (one memory page is 4 KiB; 8 KiB on some). */
const NGINX_BUFFER_BYTES = 4096;

export async function startBufferingProxy(
  upstreamUrl: string,
  holdBytes = NGINX_BUFFER_BYTES,
): Promise<BufferingProxy> {
  const upstream = new URL(upstreamUrl);
  const server = createServer((req, res) => {
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        const headers = { ...answer.headers };
        delete headers['x-accel-buffering'];
        res.writeHead(answer.statusCode ?? 502, headers);
        res.flushHeaders();
        let held: Buffer[] = [];
        let heldBytes = 0;
        const flush = () => {
          if (heldBytes > 0) res.write(Buffer.concat(held));
          held = [];
          heldBytes = 0;
        };
        answer.on('data', (chunk: Buffer) => {
          held.push(chunk);
          heldBytes += chunk.length;
          if (heldBytes >= holdBytes) flush();
        });
        answer.on('end', () => {
          flush();
          res.end();
        });
        answer.on('error', () => res.destroy());
      },
    );
    forwarded.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    res.on('close', () => forwarded.destroy());
    req.pipe(forwarded);
  });
  const listening = await listenOnLoopback(server);
  return { ...listening };
}
