/**
 * The Redis store's two connections: one for commands, one subscribed to the fan-out channels (a subscribed
 * connection can do nothing else). One pair per instance, whatever the number of streams it holds.
 *
 * `--redis` may name a standalone Redis or any node of a Redis Cluster: `connect` asks the node (`INFO cluster`).
 * On a cluster, commands go through ioredis's `Cluster` (it follows the slots and failovers). Events use sharded
 * pub/sub: one subscriber connection per master, subscribed to the events channel of each of its slots
 * (redis-shard-subscribers.ts), made again after every interruption; before the link counts as up, a probe through
 * each master's channel must come back.
 * The rarer revocations stay classic `PUBLISH`, to a plain connection to one node (a cluster delivers a classic
 * message on every node); when that node is lost it moves to another one the cluster knows.
 *
 * Pub/sub delivers at most once: a message sent while the subscriber is disconnected is gone. So when either
 * connection is lost the store reports an interruption (the server ends its streams, clients reconnect with
 * Last-Event-ID and replay from the log, which is in Redis and complete), and new requests get 503 until both are
 * back and subscribed again. ioredis reconnects by itself with a capped backoff.
 */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis, ReplyError, type RedisOptions } from 'ioredis';
import { BackendUnavailableError } from './backend';
import { ShardSubscribers } from './redis-shard-subscribers';

export interface RedisLinkHandlers {
  /** A message on a subscribed channel. */
  message: (channel: string, text: string) => void;
  /** Both connections are ready and subscribed (first time or after an outage). */
  up: () => Promise<void>;
  /** Live messages may have been missed. */
  interrupted: () => void;
  log: (line: string) => void;
}

/** Marks a probe message (an event starts with its log id, a digit). */
const PROBE = 'probe:';
const PROBE_TIMEOUT_MS = 2000;

const RETRY_DELAY = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000);

/** Commands fail at once while disconnected (503 to the client) instead of waiting in a queue. */
const CONNECTION_OPTIONS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  // A Redis that accepts connections but does not answer (stopped, swapping) fails requests instead of holding them.
  commandTimeout: 5000,
  connectTimeout: 5000,
  retryStrategy: RETRY_DELAY,
  autoResubscribe: false,
};

/** Replies that mean "not now" (503), not "no": out of memory, loading, read-only replica, a cluster mid-failover. */
const UNAVAILABLE_REPLY = /^(OOM|LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN|MOVED|ASK)\b/;

export class RedisLink {
  private client: Redis | Cluster | null = null;
  private subscriber: Redis | null = null;
  /** Cluster nodes the subscriber may move to, `host:port`. */
  private nodes: string[] = [];
  private clusterMode = false;
  private subscribed = false;
  private shardSubscribers: ShardSubscribers | null = null;
  /** Probes sent through the sharded channels, not yet back: nonce → its callback. */
  private readonly probes = new Map<string, () => void>();
  private live = false;
  private closing = false;
  /** The resubscription under way, and whether it was asked for again meanwhile (`resume`). */
  private resuming: Promise<void> | null = null;
  private resumeAgain = false;

  constructor(
    private readonly url: string,
    private readonly channels: string[],
    /** The sharded events channels, subscribed on a cluster. */
    private readonly shardChannels: () => string[],
    private readonly handlers: RedisLinkHandlers,
  ) {}

  get redis(): Redis | Cluster {
    if (!this.client) throw new BackendUnavailableError('Redis is not connected');
    return this.client;
  }

  get available(): boolean {
    return this.live;
  }

  get cluster(): boolean {
    return this.clusterMode;
  }

  /** Connects both; rejects when Redis cannot be reached at start (the operator sees why at once). */
  async connect(): Promise<void> {
    const probe = new Redis(this.url, { ...CONNECTION_OPTIONS, retryStrategy: () => null });
    try {
      await probe.connect();
      this.clusterMode = /cluster_enabled:1/.test(await probe.info('cluster'));
    } finally {
      probe.disconnect();
    }
    const options = new URL(this.url);
    this.nodes = [`${options.hostname}:${options.port || 6379}`];
    this.client = this.clusterMode ? this.createCluster(options) : this.watch(new Redis(this.url, CONNECTION_OPTIONS));
    await this.client.connect();
    if (this.client instanceof Cluster) this.nodes = this.client.nodes('all').map((node) => getAddress(node));
    await this.connectSubscriber();
    // The connections' 'ready' may have begun a resubscription: this waits for it, and for one more if it failed.
    await this.resume();
    if (!this.live) await this.resume();
    if (!this.live) throw new Error('Redis connection lost during start');
  }

  /** Runs Redis commands; a lost or slow connection becomes BackendUnavailableError (503), a refusal stays. */
  async run<T>(commands: () => Promise<T>): Promise<T> {
    if (!this.live) throw new BackendUnavailableError('Redis is unreachable');
    try {
      return await commands();
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof ReplyError && !UNAVAILABLE_REPLY.test(message)) {
        throw new Error(message.replace(/^ERR /, ''));
      }
      throw new BackendUnavailableError(`Redis: ${message}`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.live = false;
    this.shardSubscribers?.stop();
    const clients = [this.client, this.subscriber].filter((client) => client !== null);
    await Promise.allSettled(clients.map((client) => client.quit()));
    for (const client of clients) client.disconnect();
  }

  private createCluster(url: URL): Cluster {
    const tls = url.protocol === 'rediss:' ? {} : undefined;
    const cluster = new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: RETRY_DELAY,
      // A failover moves slots: ioredis follows MOVED and asks again, briefly; past that the request gets 503.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 200,
      slotsRefreshTimeout: 2000,
      // A reshard moves slots without a MOVED reaching an instance that sends nothing there: ask every 2 s (one
      // `CLUSTER SLOTS`), so the sharded subscribers follow within that (the 'refresh' handler below).
      slotsRefreshInterval: 2000,
      redisOptions: {
        ...CONNECTION_OPTIONS,
        username: decodeURIComponent(url.username) || undefined,
        password: decodeURIComponent(url.password) || undefined,
        tls,
      },
    });
    this.shardSubscribers = new ShardSubscribers(
      cluster.options.redisOptions ?? {},
      this.shardChannels,
      (channel, text) => {
        if (!text.startsWith(PROBE)) this.handlers.message(channel, text);
        else this.probes.get(text.slice(PROBE.length))?.();
      },
      () => this.lost(),
    );
    // ioredis refreshes its slot map on MOVED and every 2 s: a slot that moved is no longer subscribed.
    cluster.on('refresh', () => {
      if (this.live && !this.shardSubscribers?.matches(cluster.slots)) this.lost();
    });
    return this.watch(cluster);
  }

  /**
   * Sends one message through the events channel of one slot of each master and waits for each to come back to this
   * instance: the sharded subscribers are connected and subscribed where the slots are now.
   */
  private async probeShards(cluster: Cluster): Promise<void> {
    const slots = cluster.slots;
    const slotOfMaster = new Map<string, number>();
    slots.forEach((nodes, slot) => {
      if (nodes?.[0] && !slotOfMaster.has(nodes[0])) slotOfMaster.set(nodes[0], slot);
    });
    const channels = this.shardChannels();
    const arrivals = [...slotOfMaster.values()].map(async (slot) => {
      const nonce = randomBytes(8).toString('hex');
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no sharded subscriber for slot ${slot}`)), PROBE_TIMEOUT_MS);
        this.probes.set(nonce, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      try {
        // Awaited together: a deadline passed while SPUBLISH is still unanswered (a slow master) must not be an
        // unhandled rejection, which ends the process.
        await Promise.all([cluster.spublish(channels[slot]!, PROBE + nonce), arrived]);
      } finally {
        this.probes.delete(nonce);
      }
    });
    const results = await Promise.allSettled(arrivals);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** The subscriber on the URL's node, or on a cluster on the next node known to be there. */
  private async connectSubscriber(): Promise<void> {
    const url = new URL(this.url);
    const [host, port] = this.nodes[0]!.split(':') as [string, string];
    if (this.clusterMode) {
      url.hostname = host;
      url.port = port;
    }
    const subscriber = new Redis(url.toString(), {
      ...CONNECTION_OPTIONS,
      // On a cluster the node may be gone for good: after a few attempts move to another (below).
      retryStrategy: this.clusterMode ? (attempt) => (attempt > 3 ? null : RETRY_DELAY(attempt)) : RETRY_DELAY,
    });
    this.subscriber = subscriber;
    this.subscribed = false;
    subscriber.on('message', (channel: string, text: string) => this.handlers.message(channel, text));
    this.watch(subscriber);
    subscriber.on('end', () => {
      if (this.closing || this.subscriber !== subscriber || !this.clusterMode) return;
      this.nodes.push(this.nodes.shift()!);
      setTimeout(() => void this.connectSubscriber().catch(() => {}), 200);
    });
    await subscriber.connect();
  }

  private watch<T extends Redis | Cluster>(connection: T): T {
    // ioredis emits 'error' for every failed reconnect attempt; the outage is logged once, below.
    connection.on('error', () => {});
    connection.on('close', () => this.lost());
    connection.on('end', () => this.lost());
    connection.on('ready', () => void this.resume());
    if (connection instanceof Cluster) {
      connection.on('+node', () => (this.nodes = connection.nodes('all').map((node) => getAddress(node))));
      // A node lost: the slots it served answer nothing until a replica takes over. Streams end (their clients
      // replay from the log), like any other interruption.
      connection.on('-node', () => this.lost());
    }
    return connection;
  }

  private lost(): void {
    this.subscribed = this.subscribed && this.subscriber?.status === 'ready';
    if (!this.live || this.closing) return;
    this.live = false;
    this.handlers.log('redis: connection lost; streams end, requests get 503 until it is back');
    this.handlers.interrupted();
    // A cluster that lost a node may still be "ready": check again once the failover had time.
    if (this.clusterMode) setTimeout(() => void this.resume(), 500);
  }

  /**
   * One resubscription at a time: two at once (the connections' 'ready' and the start, or a timer) would each drop
   * the other's sharded subscribers midway and fail each other's probe. Asked for meanwhile, another one follows
   * if the current one did not bring the link up.
   */
  private resume(): Promise<void> {
    if (this.resuming) {
      this.resumeAgain = true;
      return this.resuming;
    }
    this.resumeAgain = false;
    this.resuming = this.resumeOnce().finally(() => {
      this.resuming = null;
      if (this.resumeAgain && !this.live && !this.closing) void this.resume();
    });
    return this.resuming;
  }

  private async resumeOnce(): Promise<void> {
    if (this.closing || this.live) return;
    if (this.client?.status !== 'ready' || this.subscriber?.status !== 'ready') return;
    try {
      if (!this.subscribed) {
        await this.subscriber.subscribe(...this.channels);
        this.subscribed = true;
      }
      if (this.client instanceof Cluster) {
        await this.client.get(this.channels[0]!); // every slot served again?
        await this.shardSubscribers!.subscribe(this.client.slots);
        await this.probeShards(this.client);
      }
      await this.handlers.up();
    } catch {
      if (this.clusterMode) setTimeout(() => void this.resume(), 500);
      return; // lost again meanwhile: the next 'ready' tries again
    }
    // `subscribed` too: a subscriber that reconnected meanwhile lost its channels (its 'ready' asked for a follow-up).
    if (this.client.status === 'ready' && this.subscriber.status === 'ready' && this.subscribed && !this.live) {
      this.live = true;
      this.handlers.log('redis: connected');
    }
  }
}

function getAddress(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}
