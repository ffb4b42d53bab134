/**
 * The reference server under many streams: it runs as its own process (its own file-descriptor budget) and a Node
 * load client on loopback opens N streams for one user, then times one broadcast to all of them.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { percentile, now } from './stats';

export interface ServerLoadResult {
  clients: number;
  held: number;
  serverRssMb: number;
  broadcast: { p50: number; p99: number; max: number };
}

const ADMIN = 'bench-admin-token';
const USER = { username: 'bench', token: 'bench-user-token' };

async function startServerProcess(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/main.ts',
      '--port',
      '0',
      '--max-streams-per-user',
      '20000',
      // The secure defaults (1000 streams, 1024 connections) would be the figure otherwise.
      '--max-streams',
      '100000',
      '--max-connections',
      '100000',
      // The load client opens every stream from 127.0.0.1.
      '--max-connections-per-address',
      '100000',
    ],
    // Secrets in the environment, not the command line (ps shows it to every local user).
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BEACON_ADMIN_TOKEN: ADMIN, BEACON_USERS: `${USER.username}:${USER.token}:user` },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  child.stdout!.resume();
  // Stopping waits for the exit: the server logs its shutdown, and a bench that exits first leaves it an EPIPE.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    stop: () => {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      return exited.finally(() => clearTimeout(kill));
    },
  };
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

export async function measureServerLoad(clients: number): Promise<ServerLoadResult> {
  const server = await startServerProcess();
  const { hostname, port } = new URL(server.url);
  const received: number[] = [];
  const streams: Array<{ destroy(): void }> = [];
  let connected = 0;
  let publishedAt = 0;
  try {
    const open = () =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          {
            hostname,
            port,
            path: '/notification/socket_connection',
            agent: false,
            headers: { Authorization: `Bearer ${USER.token}`, Accept: 'text/event-stream' },
          },
          (res) => {
            if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
            let seen = false;
            res.on('data', (chunk: Buffer) => {
              const text = chunk.toString();
              if (!seen && text.includes(': connected')) {
                seen = true;
                connected++;
                resolve();
              }
              if (publishedAt > 0 && text.includes('data: {')) received.push(now() - publishedAt);
            });
            res.on('error', () => {});
          },
        );
        req.on('error', reject);
        req.setTimeout(0);
        streams.push(req);
        req.end();
      });
    // Open in batches so the listen backlog is never the limit being measured.
    for (let i = 0; i < clients; i += 250) await Promise.all(Array.from({ length: Math.min(250, clients - i) }, open));

    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { streams: number };
    publishedAt = now();
    const response = await fetch(`${server.url}/admin/publish`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: USER.username, notice_type: 2, title: 'broadcast' }),
    });
    if (response.status !== 201) throw new Error(`publish answered ${response.status}`);
    const deadline = Date.now() + 30_000;
    while (received.length < connected && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return {
      clients,
      held: health.streams,
      serverRssMb: rssMb(server.pid),
      broadcast: { p50: percentile(received, 50), p99: percentile(received, 99), max: Math.max(...received) },
    };
  } finally {
    for (const stream of streams) stream.destroy();
    await server.stop();
  }
}
