/**
 * A load client in its own process (forked by redis-load.ts): holds many SSE streams, so that the clients of
 * 20,000 streams fit under the per-process file limit (20,000 here) when split over two processes. Commands come
 * over IPC: open streams, forget timings, report when each stream received its latest event.
 */
import { request, type ClientRequest } from 'node:http';
import { now } from './stats';

export type ClientCommand =
  | { type: 'open'; urls: string[]; count: number; token: string }
  | { type: 'reset' }
  | { type: 'report' }
  | { type: 'close' };

export type ClientReply =
  { type: 'opened'; held: number; failed: number } | { type: 'report'; received: number[] } | { type: 'closed' };

const streams: ClientRequest[] = [];
/** When each stream last received an event since the last reset (wall clock, ms). */
let received: number[] = [];

function openOne(url: string, token: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        hostname,
        port,
        path: '/notification/socket_connection',
        agent: false,
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve(false);
        }
        let connected = false;
        res.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          if (!connected && text.includes(': connected')) {
            connected = true;
            clearTimeout(timer);
            resolve(true);
          }
          if (text.includes('data: {')) received.push(now());
        });
        res.on('error', () => {});
      },
    );
    // A server out of file descriptors stops accepting: such a stream counts as not held.
    const timer = setTimeout(() => {
      req.destroy();
      resolve(false);
    }, 10_000);
    req.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    req.setTimeout(0);
    streams.push(req);
    req.end();
  });
}

async function handle(command: ClientCommand): Promise<ClientReply> {
  switch (command.type) {
    case 'open': {
      let held = 0;
      // In batches, so the listen backlog is never the limit being measured.
      for (let i = 0; i < command.count; i += 250) {
        const batch = Array.from({ length: Math.min(250, command.count - i) }, (_, j) =>
          openOne(command.urls[(i + j) % command.urls.length]!, command.token),
        );
        held += (await Promise.all(batch)).filter(Boolean).length;
      }
      return { type: 'opened', held, failed: command.count - held };
    }
    case 'reset':
      received = [];
      return { type: 'report', received };
    case 'report':
      return { type: 'report', received };
    case 'close':
      for (const stream of streams) stream.destroy();
      return { type: 'closed' };
  }
}

process.on('message', (command: ClientCommand) => {
  void handle(command).then((reply) => process.send!(reply));
});
