/**
 * The reference server for the server tests: starts servers and streams, and closes them (and removes temporary data
 * folders) after each test of the file that imports it.
 */
import { rm } from 'node:fs/promises';
import { afterEach } from 'vitest';
import { startBeaconServer, type BeaconServer, type BeaconServerOptions } from '../../server/app';
import { openStream, type OpenStream } from './sse-client';

const ADMIN = 'admin-secret-token';
export const ALICE = { username: 'alice', token: 'alice-token-123', role: 'user' };
export const ROOT = { username: 'root', token: 'root-token-1234', role: 'admin' };

let servers: BeaconServer[] = [];
let streams: OpenStream[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const stream of streams) stream.close();
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  servers = [];
  streams = [];
  dirs = [];
});

/** Closes this stream after the test. */
export function trackStream(opened: OpenStream): void {
  streams.push(opened);
}

/** Removes this folder after the test. */
export function trackDir(dir: string): void {
  dirs.push(dir);
}

export async function start(options: Partial<BeaconServerOptions> = {}) {
  const server = await startBeaconServer({ adminToken: ADMIN, users: [ALICE, ROOT], heartbeatMs: 15_000, ...options });
  servers.push(server);
  return server;
}

export function auth(token: string) {
  return { Authorization: `Bearer ${token}` };
}

export async function publish(server: BeaconServer, body: Record<string, unknown>) {
  return fetch(`${server.url}/admin/publish`, {
    method: 'POST',
    headers: { ...auth(ADMIN), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * Publishes as a publisher client does (protocol §7.4): a `503` (the store cannot write now: Redis lost, a failover,
 * an instance subscribing again after a reshard) is sent again after its `Retry-After`, while that fits in `withinMs`.
 * Returns the last answer: a `503` without `Retry-After`, or one still there at the deadline, is returned as it is.
 */
export async function publishWithRetryAfter(server: BeaconServer, body: Record<string, unknown>, withinMs = 15_000) {
  const started = Date.now();
  for (;;) {
    const response = await publish(server, body);
    const retryAfterMs = Number(response.headers.get('retry-after') ?? NaN) * 1000;
    if (response.status !== 503 || !(retryAfterMs >= 0)) return response;
    if (Date.now() - started + retryAfterMs > withinMs) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
  }
}

export async function stream(server: BeaconServer, headers: Record<string, string> = auth(ALICE.token)) {
  const opened = await openStream(`${server.url}/notification/socket_connection`, headers);
  trackStream(opened);
  return opened;
}

/** Signs in through the session endpoint as the reference web page does; returns the `name=value` cookie. */
export async function signInCookie(server: BeaconServer, token = ALICE.token): Promise<string> {
  const response = await fetch(`${server.url}/auth/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    body: JSON.stringify({ token }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}
