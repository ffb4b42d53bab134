/**
 * A real Redis Cluster for tests and benchmarks: `masters` masters with one replica each, every node a
 * `redis-server --cluster-enabled yes` on loopback ports the OS picked (data and cluster bus), joined by
 * `redis-cli --cluster create`. Nodes can be killed (SIGKILL, as a crash) and started again; `stop` ends them all and
 * removes their folders.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { getFreePort, getRedisMissingReason, killRedisServer, spawnRedisServer } from './redis-server';

const REDIS_CLI_PATH = process.env.BEACON_REDIS_CLI ?? '/usr/bin/redis-cli';

/**
 * Why cluster tests cannot run here, or null. Debian's `redis-server` package depends on `redis-tools` (redis-cli), and
 * bookworm's 7.0 has `--cluster-port` and sharded pub/sub; like a missing redis-server, a failure with CI=true.
 */
export function getClusterMissingReason(): string | null {
  const redis = getRedisMissingReason();
  if (redis || existsSync(REDIS_CLI_PATH)) return redis;
  const message = `${REDIS_CLI_PATH} not found: install it with "apt-get install -y redis-tools" (or set BEACON_REDIS_CLI)`;
  if (process.env.CI === 'true') throw new Error(`${message}. CI needs it.`);
  console.warn(`\n!!! SKIPPING REDIS CLUSTER TESTS: ${message}\n`);
  return message;
}

class ClusterNode {
  child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    private readonly busPort: number,
    readonly dir: string,
  ) {}

  async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--cluster-port', String(this.busPort), '--bind', '127.0.0.1'];
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1000');
    args.push('--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always');
    // A replica promoted at once, whatever its lag: the test decides what is lost, not a timer.
    args.push('--cluster-replica-validity-factor', '0');
    this.child = await spawnRedisServer(args, this.port);
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    await killRedisServer(child);
  }
}

export class RedisCluster {
  private constructor(private readonly nodes: ClusterNode[]) {}

  /**
   * Starts `masters` × 2 nodes and waits until every slot is served and every replica is in sync. Tried twice: a
   * port the OS gave can be taken by another process before the node binds it (the machine is shared).
   */
  static async start(masters = 3): Promise<RedisCluster> {
    try {
      return await RedisCluster.startOnce(masters);
    } catch (error) {
      console.warn(`redis cluster: first start failed, trying new ports: ${(error as Error).message}`);
      return RedisCluster.startOnce(masters);
    }
  }

  private static async startOnce(masters: number): Promise<RedisCluster> {
    const nodes: ClusterNode[] = [];
    const ports = new Set<number>();
    while (ports.size < masters * 4) ports.add(await getFreePort());
    const [dataPorts, busPorts] = [[...ports].slice(0, masters * 2), [...ports].slice(masters * 2)];
    for (const [i, port] of dataPorts.entries()) {
      nodes.push(new ClusterNode(port, busPorts[i]!, await mkdtemp(join(tmpdir(), 'beacon-cluster-'))));
    }
    const cluster = new RedisCluster(nodes);
    try {
      await Promise.all(nodes.map((node) => node.launch()));
      const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
      const create = ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'];
      await promisify(execFile)(REDIS_CLI_PATH, create).catch((error: Error & { stdout?: string }) => {
        throw new Error(`redis-cli --cluster create failed: ${error.stdout?.split('\n').slice(-5).join(' ')}`);
      });
      await cluster.waitUntilServing();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Any one live node: the server finds the others. */
  get url(): string {
    return `redis://127.0.0.1:${this.liveNodes()[0]!.port}`;
  }

  /** Ports of the nodes that are masters now, by asking a live node. */
  async getMasterPorts(): Promise<number[]> {
    return (await this.describe()).filter((node) => node.master).map((node) => node.port);
  }

  /** The master serving `key`'s slot and its replicas, by port. */
  async getShard(key: string): Promise<{ master: number; replicas: number[] }> {
    const port = this.liveNodes()[0]!.port;
    const redis = new Redis({ port, host: '127.0.0.1' });
    try {
      const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
      const lines = String(await redis.call('CLUSTER', 'NODES'))
        .trim()
        .split('\n')
        .map((line) => line.split(' '));
      const served = (fields: string[]) =>
        fields.slice(8).some((range) => {
          const [from, to = from] = range.split('-').map(Number) as [number, number?];
          return slot >= from && slot <= to!;
        });
      const master = lines.find((fields) => fields[2]!.includes('master') && served(fields))!;
      const portOf = (fields: string[]) => Number(/:(\d+)@/.exec(fields[1]!)![1]);
      const replicas = lines.filter((fields) => fields[3] === master[0] && !fields[2]!.includes('fail'));
      return { master: portOf(master), replicas: replicas.map(portOf) };
    } finally {
      redis.disconnect();
    }
  }

  /** Stops a node's process without ending it (SIGSTOP): it holds its connections and answers nothing. */
  pause(port: number): void {
    this.node(port).child?.kill('SIGSTOP');
  }

  resume(port: number): void {
    this.node(port).child?.kill('SIGCONT');
  }

  /** Holds a node's writes (`SPUBLISH` and scripts too) for at most `ms` (`CLIENT PAUSE … WRITE`); reads go on. */
  async pauseWrites(port: number, ms: number): Promise<void> {
    await this.call(port, 'CLIENT', 'PAUSE', ms, 'WRITE');
  }

  async resumeWrites(port: number): Promise<void> {
    await this.call(port, 'CLIENT', 'UNPAUSE');
  }

  /** Kills one node as a crash would (its append-only file keeps what it acknowledged). */
  async kill(port: number): Promise<void> {
    await this.node(port).kill();
  }

  /** Starts a killed node again with its files: it rejoins (as a replica if it was replaced meanwhile). */
  async restart(port: number): Promise<void> {
    await this.node(port).launch();
  }

  /** Ports of every node, masters and replicas. */
  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  /**
   * Every slot served again, every live node agreeing, and every live replica in sync with its master (after the
   * start, a failover or a restart): before that a master has no replica to confirm a write.
   */
  async waitUntilServing(timeoutMs = 20_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      const nodes = this.liveNodes();
      const states = await Promise.all(nodes.map((node) => this.ask(node.port, 'INFO')));
      const replication = await Promise.all(nodes.map((node) => this.askReplication(node.port)));
      const synced = replication.every(
        (info) => !info.includes('role:slave') || info.includes('master_link_status:up'),
      );
      if (synced && states.every((info) => info.includes('cluster_state:ok'))) return;
      if (Date.now() - started > timeoutMs) throw new Error(`the cluster did not serve within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill()));
    await Promise.all(this.nodes.map((node) => rm(node.dir, { recursive: true, force: true })));
  }

  private async describe(): Promise<Array<{ port: number; master: boolean }>> {
    const text = await this.ask(this.liveNodes()[0]!.port, 'NODES');
    return text
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .filter((fields) => !fields[2]!.includes('fail'))
      .map((fields) => ({ port: Number(/:(\d+)@/.exec(fields[1]!)![1]), master: fields[2]!.includes('master') }));
  }

  private async call(port: number, ...args: Array<string | number>): Promise<unknown> {
    const redis = new Redis({ port, host: '127.0.0.1' });
    try {
      return await redis.call(String(args[0]), ...args.slice(1));
    } finally {
      redis.disconnect();
    }
  }

  private async ask(port: number, what: 'INFO' | 'NODES'): Promise<string> {
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      return String(await redis.call('CLUSTER', what));
    } catch {
      return '';
    } finally {
      redis.disconnect();
    }
  }

  private async askReplication(port: number): Promise<string> {
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      return await redis.info('replication');
    } catch {
      return '';
    } finally {
      redis.disconnect();
    }
  }

  private liveNodes(): ClusterNode[] {
    return this.nodes.filter((node) => node.child !== null);
  }

  private node(port: number): ClusterNode {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no node on port ${port}`);
    return node;
  }
}
