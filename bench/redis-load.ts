/**
 * The reference server on Redis, as an operator would scale it: one or two instances (own processes) on one
 * redis-server, streams spread over them by load clients in two more processes (stream-client.ts). Measures streams
 * held and one broadcast, publish → event on another instance, replay of 100 events after a reconnect, and the
 * Redis memory a user with 100 events costs.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { ServerProcess } from '../tests/drivers/server-cluster';
import { RedisProcess } from '../tests/helpers/redis-server';
import { resultsFile, saveSection } from './report';
import { now, percentile, round } from './stats';
import type { ClientCommand, ClientReply } from './stream-client';

const ADMIN = 'bench-admin-token-0123';
export const USER = { username: 'bench', token: 'bench-user-token' };
/** Each load client stays under the 20,000 file descriptors one process may hold here. */
const CLIENT_PROCESSES = 2;
const REDIS_SERVER = process.env.BEACON_REDIS_SERVER ?? '/usr/bin/redis-server';

interface RedisLoadResult {
  instances: number;
  clients: number;
  held: number;
  broadcast: { p50: number; p99: number };
}

interface RedisLatencyResult {
  /** Publish on one instance → event on a stream of the other, ms. */
  crossInstance: { p50: number; p99: number };
  /** Reconnect with Last-Event-ID on the other instance → the 100th missed event received, ms. */
  replay100: { p50: number; p99: number };
  /** Redis memory for one user with 100 events: log, items, counts, user and token keys, in KB. */
  memoryPerUserKb: number;
  /** Redis time (`INFO commandstats`) of one mark-read of one item, for a user with 400 items of 20 KB, µs. */
  markReadUsec: number;
}

export class LoadClient {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadClient {
    return new LoadClient(fork('bench/stream-client.ts', [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
  }

  send(command: ClientCommand): Promise<ClientReply> {
    return new Promise((resolve) => {
      this.child.once('message', (reply: ClientReply) => resolve(reply));
      this.child.send(command);
    });
  }

  async stop(): Promise<void> {
    await this.send({ type: 'close' });
    this.child.kill();
  }
}

export async function startInstances(redisUrl: string, count: number): Promise<ServerProcess[]> {
  const args = ['--redis', redisUrl];
  const secrets = { BEACON_ADMIN_TOKEN: ADMIN, BEACON_USERS: `${USER.username}:${USER.token}:user` };
  // Caps far above the load: what is measured is the machine, not the server's default limits.
  args.push('--max-streams-per-user', '100000', '--max-streams', '100000', '--max-connections', '100000');
  // Every load client connects from 127.0.0.1; the mark-read rows measure Redis time, not the per-user limit.
  args.push('--max-connections-per-address', '100000', '--mark-read-limit', '100000:100000');
  return Promise.all(Array.from({ length: count }, () => ServerProcess.start(args, secrets)));
}

async function publish(server: ServerProcess, title: string): Promise<void> {
  const response = await fetch(`${server.url}/admin/publish`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: USER.username, notice_type: 2, title, content: 'x'.repeat(100) }),
  });
  if (response.status !== 201) throw new Error(`publish answered ${response.status}`);
}

/**
 * `clients` streams over `instances` instances on one Redis; one event published through one more instance that holds
 * no stream (as the operator's publish reaches any instance behind the load balancer), so the publish still gets
 * through when the stream holders are out of file descriptors. The broadcast is the time until the last stream got
 * the event; the load clients reading it compete with the instances for the same cores.
 */
async function measureRedisLoad(instances: number, clients: number): Promise<RedisLoadResult> {
  const redis = await RedisProcess.start();
  const servers = await startInstances(redis.url, instances + 1);
  const publisher = servers.pop()!;
  const loaders = Array.from({ length: CLIENT_PROCESSES }, () => LoadClient.start());
  try {
    const urls = servers.map((server) => server.url);
    const share = Math.ceil(clients / loaders.length);
    const opened = await Promise.all(
      loaders.map((loader, i) =>
        loader.send({ type: 'open', urls, count: Math.min(share, clients - i * share), token: USER.token }),
      ),
    );
    const held = opened.reduce((sum, reply) => sum + (reply.type === 'opened' ? reply.held : 0), 0);
    const { publishedAt, received } = await publishAndCollect(loaders, publisher, 'broadcast', held);
    const delays = received.map((at) => at - publishedAt);
    return {
      instances,
      clients,
      held,
      broadcast: { p50: round(percentile(delays, 50), 2), p99: round(percentile(delays, 99), 2) },
    };
  } finally {
    await Promise.all(loaders.map((loader) => loader.stop()));
    await Promise.all([...servers, publisher].map((server) => server.kill()));
    await redis.stop();
  }
}

/**
 * Publishes one event and collects when the load clients' streams got it, until all `held` did or 30 s passed.
 * Returns the publish time and the arrival times (as many as arrived).
 */
export async function publishAndCollect(
  loaders: LoadClient[],
  publisher: ServerProcess,
  title: string,
  held: number,
): Promise<{ publishedAt: number; received: number[] }> {
  await Promise.all(loaders.map((loader) => loader.send({ type: 'reset' })));
  const publishedAt = now();
  await publish(publisher, title);
  const deadline = Date.now() + 30_000;
  let received: number[] = [];
  while (Date.now() < deadline) {
    const reports = await Promise.all(loaders.map((loader) => loader.send({ type: 'report' })));
    received = reports.flatMap((reply) => (reply.type === 'report' ? reply.received : []));
    if (received.length >= held) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { publishedAt, received };
}

/** Reads one stream until `count` message events arrived; resolves with the time of the last one. */
async function readEvents(url: string, headers: Record<string, string>, count: number, onOpen?: () => void) {
  const controller = new AbortController();
  const response = await fetch(`${url}/notification/socket_connection`, { headers, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  onOpen?.();
  while ((text.match(/^data: /gm)?.length ?? 0) < count) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    text += decoder.decode(value, { stream: true });
    if (text.includes('event: resync')) throw new Error('the server answered resync instead of a replay');
  }
  const at = now();
  const lastId = [...text.matchAll(/^id: (.+)$/gm)].at(-1)?.[1] ?? '';
  controller.abort();
  return { at, lastId, text };
}

async function measureRedisLatency(publishes: number, replays: number): Promise<RedisLatencyResult> {
  const redis = await RedisProcess.start();
  const [a, b] = (await startInstances(redis.url, 2)) as [ServerProcess, ServerProcess];
  const auth = { Authorization: `Bearer ${USER.token}`, Accept: 'text/event-stream' };
  try {
    const cross: number[] = [];
    for (let i = 0; i < publishes; i++) {
      let ready!: () => void;
      const open = new Promise<void>((resolve) => (ready = resolve));
      const reading = readEvents(b.url, auth, 1, ready);
      await open;
      await new Promise((resolve) => setTimeout(resolve, 5)); // the stream is subscribed once its head is out
      const sent = now();
      await publish(a, `cross ${i}`);
      cross.push((await reading).at - sent);
    }
    const replay: number[] = [];
    for (let i = 0; i < replays; i++) {
      let ready!: () => void;
      const open = new Promise<void>((resolve) => (ready = resolve));
      const first = readEvents(a.url, auth, 1, ready);
      await open;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await publish(a, 'seen');
      const { lastId } = await first;
      for (let j = 0; j < 100; j++) await publish(a, `missed ${j}`);
      const started = now();
      const { at } = await readEvents(b.url, { ...auth, 'Last-Event-ID': lastId }, 100);
      replay.push(at - started);
    }
    const memoryPerUserKb = await measureMemory(redis.url, a);
    const markReadUsec = await measureMarkRead(redis.url, a);
    return {
      crossInstance: { p50: round(percentile(cross, 50), 2), p99: round(percentile(cross, 99), 2) },
      replay100: { p50: round(percentile(replay, 50), 2), p99: round(percentile(replay, 99), 2) },
      memoryPerUserKb,
      markReadUsec,
    };
  } finally {
    await Promise.all([a.kill(), b.kill()]);
    await redis.stop();
  }
}

/** A fresh user with exactly 100 typical events: MEMORY USAGE of its keys (the token key, ~100 B, left out). */
async function measureMemory(url: string, server: ServerProcess): Promise<number> {
  const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };
  await fetch(`${server.url}/admin/users/sizing`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ token: 'sizing-token-0001' }),
  });
  for (let i = 0; i < 100; i++) {
    const body = {
      username: 'sizing',
      notice_type: i % 5,
      title: `Someone commented on post ${i}`,
      content: 'x'.repeat(100),
      url: `https://app.example.com/c/${i}`,
    };
    await fetch(`${server.url}/admin/publish`, { method: 'POST', headers, body: JSON.stringify(body) });
  }
  const redis = new Redis(url);
  try {
    let bytes = 0;
    for (const key of await redis.keys('beacon:{sizing}:*')) bytes += Number(await redis.memory('USAGE', key));
    return round(bytes / 1024, 1);
  } finally {
    redis.disconnect();
  }
}

/**
 * A user with 400 unread comments of 20 KB marks 50 of them read one by one through the REST API; the Redis time of
 * each mark-read script, from `INFO commandstats` (reset first, so only these calls count). Before the unread index
 * (issue #22 point 5) every call decoded the 8 MB list: about 52–72 ms of Redis time, for every instance.
 */
async function measureMarkRead(url: string, server: ServerProcess): Promise<number> {
  const adminHeaders = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };
  const token = 'mark-read-token-1';
  await fetch(`${server.url}/admin/users/marker`, {
    method: 'PUT',
    headers: adminHeaders,
    body: JSON.stringify({ token }),
  });
  const ids: string[] = [];
  for (let i = 0; i < 400; i++) {
    // 20 KB: the largest title and content the API takes (10,000 characters each).
    const body = {
      username: 'marker',
      notice_type: 2,
      title: `${i} `.padEnd(10_000, 't'),
      content: 'x'.repeat(10_000),
    };
    const response = await fetch(`${server.url}/admin/publish`, {
      method: 'POST',
      headers: adminHeaders,
      body: JSON.stringify(body),
    });
    ids.push(((await response.json()) as { id: string }).id);
  }
  const redis = new Redis(url);
  try {
    await redis.config('RESETSTAT');
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`${server.url}/notification/comments/read`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ids: [ids[i * 8]] }),
      });
      if (response.status !== 204) throw new Error(`mark read answered ${response.status}`);
    }
    const stats = /cmdstat_eval:calls=(\d+),usec=(\d+)/.exec(await redis.info('commandstats'));
    return stats ? round(Number(stats[2]) / Number(stats[1]), 1) : NaN;
  } finally {
    redis.disconnect();
  }
}

interface RedisBenchPlan {
  redisClients: number[];
  redisPublishes: number;
  redisReplays: number;
}

export async function runRedisBench(plan: RedisBenchPlan, log: (line: string) => void) {
  const loads: RedisLoadResult[] = [];
  for (const clients of plan.redisClients) {
    for (const instances of [1, 2]) {
      log(`Redis: ${instances} instance(s) with ${clients} streams`);
      loads.push(await measureRedisLoad(instances, clients));
    }
  }
  log(`Redis: publish → event on another instance (${plan.redisPublishes}), replay of 100 (${plan.redisReplays})`);
  return { loads, latency: await measureRedisLatency(plan.redisPublishes, plan.redisReplays) };
}

type RedisBenchResult = Awaited<ReturnType<typeof runRedisBench>>;

/**
 * The Markdown section of the Redis figures; `saveRedisSection` puts it into bench/results.md (replacing the previous
 * one), so `npm run bench -- --only redis` refreshes it alone. What limits each figure is said where it is measured.
 */
function formatRedisSection({ loads, latency }: RedisBenchResult): string {
  const header = `${new Date().toISOString()} · ${cpus().length} cores, ${round(totalmem() / 1024 ** 3, 1)} GB, load average ${round(loadavg()[0]!, 1)} at the end (other work shares the cores) · Node ${process.version} · ${execFileSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}`;
  const lines = [
    '## Reference server on Redis (`--redis`), one and two instances',
    '',
    header,
    '',
    '| metric | value | unit | goal | met |',
    '|---|---|---|---|---|',
  ];
  for (const load of loads) {
    const on = `${load.instances} instance${load.instances > 1 ? 's' : ''}`;
    const met = load.held === load.clients ? 'yes' : '**no**';
    lines.push(`| ${on}: streams held of ${load.clients} | ${load.held} | streams | ${load.clients} | ${met} |`);
    lines.push(`| ${on}: broadcast p50 to ${load.held} streams | ${load.broadcast.p50} | ms |  |  |`);
    lines.push(`| ${on}: broadcast p99 to ${load.held} streams | ${load.broadcast.p99} | ms |  |  |`);
  }
  const { crossInstance, replay100, memoryPerUserKb, markReadUsec } = latency;
  lines.push(
    `| publish → event on the other instance, p50 | ${crossInstance.p50} | ms |  |  |`,
    `| publish → event on the other instance, p99 | ${crossInstance.p99} | ms |  |  |`,
    `| replay of 100 events after a reconnect, p50 | ${replay100.p50} | ms |  |  |`,
    `| replay of 100 events after a reconnect, p99 | ${replay100.p99} | ms |  |  |`,
    `| Redis memory per user with 100 events | ${memoryPerUserKb} | KB | 25 | ${memoryPerUserKb <= 25 ? 'yes' : '**no**'} |`,
    `| Redis time per mark-read of one item, user with 400 items of 20 KB | ${markReadUsec} | µs | 1000 | ${markReadUsec < 1000 ? 'yes' : '**no**'} |`,
  );
  return lines.join('\n');
}

/** Writes the section into bench/results(-quick).md (replacing the previous one); returns it. */
export function saveRedisSection(result: RedisBenchResult, quick: boolean): string {
  const section = formatRedisSection(result);
  saveSection(resultsFile(quick), 'redis-bench', section);
  return section;
}
