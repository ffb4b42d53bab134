/** Raw HTTP over a socket, for what fetch cannot do: send half a request, hold a connection, watch it close. */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with everything received once the server closes the connection (or rejects after timeoutMs). */
  closed(timeoutMs: number): Promise<string>;
}

/** Connects to `url`'s host, from `localAddress` when given (any 127.x.y.z is this machine on loopback). */
export async function openRaw(url: string, text = '', localAddress?: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect({ port: Number(port), host: hostname, localAddress });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let data = '';
  let ended = false;
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
  socket.on('error', () => {});
  const end = new Promise<void>((resolve) =>
    socket.once('close', () => {
      ended = true;
      resolve();
    }),
  );
  if (text) socket.write(text);
  return {
    socket,
    received: () => data,
    closed: (timeoutMs) =>
      Promise.race([
        end.then(() => data),
        new Promise<string>((_resolve, reject) =>
          setTimeout(() => {
            if (!ended)
              reject(new Error(`connection still open after ${timeoutMs} ms; received: ${JSON.stringify(data)}`));
          }, timeoutMs).unref(),
        ),
      ]),
  };
}

/** Status line, headers (lower-case names) and body of one raw HTTP answer. */
export function parseRawResponse(text: string): { status: number; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** One HTTP request from a chosen local address (fetch cannot pick one): loopback has 127.0.0.1, 127.0.0.2, … */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, localAddress, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
