/**
 * The capacity curve of the reference server on Redis (issue #26 point 4), in one run: one instance holding 1k, 5k,
 * 10k and 20k streams (opened step by step, one user), on one Redis and on a 3-shard cluster. At each step: the
 * instance's RSS and RSS per stream, a broadcast's p50/p99 (publish on another instance → the last stream got it),
 * and publish → event on another instance (→ the first stream got it). What the machine cannot hold is a note,
 * not a missed row: the file-descriptor limit is read and printed.
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { ServerProcess } from '../tests/drivers/server-cluster';
import { RedisCluster } from '../tests/helpers/redis-cluster';
import { RedisProcess } from '../tests/helpers/redis-server';
import { RedisStore } from '../server/store/redis-store';
import { LoadClient, publishAndCollect, startInstances, USER } from './redis-load';
import { resultsFile, saveSection } from './report';
import { percentile, round } from './stats';

interface CurveRow {
  shards: number;
  target: number;
  held: number;
  rssMb: number;
  /** (RSS − RSS before any stream) / streams held. */
  rssPerStreamKb: number;
  broadcast: { p50: number; p99: number };
  firstEvent: { p50: number; p99: number };
}

const CLIENT_PROCESSES = 2;

function readRssMb(server: ServerProcess): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024, 1);
}

/** `publishes` events, one at a time: when the first and the last stream got each, after the publish started. */
async function measureEvents(loaders: LoadClient[], publisher: ServerProcess, held: number, publishes: number) {
  const first: number[] = [];
  const last: number[] = [];
  for (let i = 0; i < publishes; i++) {
    const { publishedAt: sent, received } = await publishAndCollect(loaders, publisher, `curve ${i}`, held);
    if (received.length === 0) continue;
    first.push(Math.min(...received) - sent);
    last.push(Math.max(...received) - sent);
  }
  const pair = (values: number[]) => ({ p50: round(percentile(values, 50), 1), p99: round(percentile(values, 99), 1) });
  return { broadcast: pair(last), firstEvent: pair(first) };
}

async function measureCurve(shards: 1 | 3, targets: number[], publishes: number): Promise<CurveRow[]> {
  const backend = shards === 1 ? await RedisProcess.start() : await RedisCluster.start(3);
  const [holder, publisher] = (await startInstances(backend.url, 2)) as [ServerProcess, ServerProcess];
  const loaders = Array.from({ length: CLIENT_PROCESSES }, () => LoadClient.start());
  const rows: CurveRow[] = [];
  try {
    const baseRss = readRssMb(holder);
    let held = 0;
    let opened = 0;
    for (const target of targets) {
      const more = target - opened;
      const share = Math.ceil(more / loaders.length);
      const replies = await Promise.all(
        loaders.map((loader, i) =>
          loader.send({
            type: 'open',
            urls: [holder.url],
            count: Math.min(share, more - i * share),
            token: USER.token,
          }),
        ),
      );
      opened = target;
      held += replies.reduce((sum, reply) => sum + (reply.type === 'opened' ? reply.held : 0), 0);
      const rssMb = readRssMb(holder);
      const events = await measureEvents(loaders, publisher, held, publishes);
      const rssPerStreamKb = held > 0 ? round(((rssMb - baseRss) * 1024) / held, 1) : 0;
      rows.push({ shards, target, held, rssMb, rssPerStreamKb, ...events });
    }
  } finally {
    await Promise.all(loaders.map((loader) => loader.stop()));
    await Promise.all([holder.kill(), publisher.kill()]);
    await backend.stop();
  }
  return rows;
}

/** Redis CPU per 1000 events on each node of a 3-shard cluster, as `M*` (the publishing master), `M`, `r` (replicas). */
interface PubSubCost {
  mechanism: string;
  cpuMsPer1000: string;
}

/**
 * What fan-out costs each node of a 3-shard cluster: 20,000 events of 300 bytes published on one master, received
 * by two subscribers (two instances). Classic `PUBLISH` with subscribers on the other masters (a cluster forwards it
 * to every node); sharded `SPUBLISH` to a channel of the publishing shard with both subscribers on it. Then the
 * server's own publish (the script and its `SPUBLISH`), 6,000 events for 300 users spread over the shards, received
 * by two store instances.
 */
async function measurePubSubCost(): Promise<PubSubCost[]> {
  const cluster = await RedisCluster.start(3);
  const events = 20_000;
  const message = 'x'.repeat(300);
  const clients: Redis[] = [];
  const connect = (port: number) => {
    const client = new Redis({ port, host: '127.0.0.1' });
    clients.push(client);
    return client;
  };
  try {
    const nodes = cluster.ports.map(connect);
    const masters = await cluster.getMasterPorts();
    const origin = masters[0]!;
    const readCpu = () =>
      Promise.all(
        nodes.map(async (node) => {
          const info = await node.info('cpu');
          return Number(/used_cpu_sys:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)![1]);
        }),
      );
    const publisher = connect(origin);
    const perNode = (before: number[], after: number[], count: number) =>
      cluster.ports
        .map((port, i) => {
          const role = port === origin ? 'M*' : masters.includes(port) ? 'M' : 'r';
          return `${role} ${round(((after[i]! - before[i]!) * 1000) / (count / 1000), 1)}`;
        })
        .join(', ');
    const run = async (mechanism: 'PUBLISH' | 'SPUBLISH', channel: string, ports: number[]) => {
      let received = 0;
      for (const port of ports) {
        const subscriber = connect(port);
        subscriber.on(mechanism === 'PUBLISH' ? 'message' : 'smessage', () => received++);
        await (mechanism === 'PUBLISH' ? subscriber.subscribe(channel) : subscriber.ssubscribe(channel));
      }
      const before = await readCpu();
      for (let i = 0; i < events; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, () =>
            mechanism === 'PUBLISH' ? publisher.publish(channel, message) : publisher.spublish(channel, message),
          ),
        );
      }
      while (received < events * ports.length) await new Promise((resolve) => setTimeout(resolve, 50));
      return { mechanism, cpuMsPer1000: perNode(before, await readCpu(), events) };
    };
    const runServer = async (): Promise<PubSubCost> => {
      const count = 6000;
      const stores = await Promise.all(
        [0, 1].map(() => RedisStore.connect(cluster.url, { prefix: 'cost:', waitReplicas: 0 })),
      );
      try {
        let received = 0;
        for (const store of stores) store.onEvent(() => received++);
        const before = await readCpu();
        for (let i = 0; i < count; i += 100) {
          await Promise.all(
            Array.from({ length: 100 }, (_, j) =>
              stores[0]!.publish(`user ${(i + j) % 300}`, { notice_type: 0, content: message }),
            ),
          );
        }
        while (received < count * 2) await new Promise((resolve) => setTimeout(resolve, 50));
        return {
          mechanism: 'server publish (script + SPUBLISH), 300 users',
          cpuMsPer1000: perNode(before, await readCpu(), count),
        };
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    };
    let channel = '';
    for (let i = 0; !channel; i++)
      if ((await cluster.getShard(`events{${i}}`)).master === origin) channel = `events{${i}}`;
    return [
      await run('PUBLISH', 'events', [masters[1]!, masters[2]!]),
      await run('SPUBLISH', channel, [origin, origin]),
      await runServer(),
    ];
  } finally {
    for (const client of clients) client.disconnect();
    await cluster.stop();
  }
}

export async function runCapacityCurve(plan: { targets: number[]; publishes: number }, log: (line: string) => void) {
  const rows: CurveRow[] = [];
  for (const shards of [1, 3] as const) {
    log(`capacity curve: ${shards} shard(s), streams ${plan.targets.join(', ')}`);
    rows.push(...(await measureCurve(shards, plan.targets, plan.publishes)));
  }
  log('capacity curve: fan-out cost per cluster node, PUBLISH and SPUBLISH');
  return { rows, pubsub: await measurePubSubCost() };
}

type CapacityCurve = Awaited<ReturnType<typeof runCapacityCurve>>;

function formatCurve({ rows, pubsub }: CapacityCurve, publishes: number): string {
  const fdLimit = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  const lines = [
    '## Capacity curve: one instance, 1 and 3 Redis shards',
    '',
    `${new Date().toISOString()} · ${cpus().length} cores, ${round(totalmem() / 1024 ** 3, 1)} GB, load average ${round(loadavg()[0]!, 1)} at the end (other work shares the cores) · Node ${process.version} · file descriptors per process: ${fdLimit} (hard limit) · ${publishes} publishes per step`,
    '',
    '| shards | streams asked | held | instance RSS (MB) | RSS per stream (KB) | broadcast p50 (ms) | broadcast p99 (ms) | publish → first stream on the other instance p50 (ms) | p99 (ms) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.shards} | ${row.target} | ${row.held} | ${row.rssMb} | ${row.rssPerStreamKb} | ${row.broadcast.p50} | ${row.broadcast.p99} | ${row.firstEvent.p50} | ${row.firstEvent.p99} |`,
    ),
    '',
    'Fan-out cost per node of a 3-shard cluster (`M*` the master published on, `M` the other masters, `r` replicas):',
    '',
    '| mechanism | CPU ms per 1000 events, per node |',
    '|---|---|',
    ...pubsub.map((cost) => `| ${cost.mechanism} | ${cost.cpuMsPer1000} |`),
  ];
  return lines.join('\n');
}

/** Writes the section into bench/results(-quick).md (replacing the previous one); returns it. */
export function saveCapacityCurve(curve: CapacityCurve, publishes: number, quick: boolean): string {
  const section = formatCurve(curve, publishes);
  saveSection(resultsFile(quick), 'capacity-curve', section);
  return section;
}
