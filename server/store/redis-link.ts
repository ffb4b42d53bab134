/**
 * The Redis store's two connections: one for commands, one subscribed to the fan-out channels (a subscribed
 * connection can do nothing else). One pair per instance, whatever the number of streams it holds.
 *
 * Pub/sub delivers at most once: a message sent while the subscriber is disconnected is gone. So when either
 * connection is lost the store reports an interruption (the server ends its streams, clients reconnect with
 * Last-Event-ID and replay from the log, which is in Redis and complete), and new requests get 503 until both are
 * back and subscribed again. ioredis reconnects by itself with a capped backoff.
 */
import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import { BackendUnavailableError } from './backend';

export interface RedisLinkHandlers {
  /** A message on a subscribed channel. */
  message: (channel: string, text: string) => void;
  /** Both connections are ready and subscribed (first time or after an outage). */
  up: () => Promise<void>;
  /** Live messages may have been missed. */
  interrupted: () => void;
  log: (line: string) => void;
}

/** Commands fail at once while disconnected (503 to the client) instead of waiting in a queue. */
const CONNECTION_OPTIONS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  // A Redis that accepts connections but does not answer (stopped, swapping) fails requests instead of holding them.
  commandTimeout: 5000,
  connectTimeout: 5000,
  retryStrategy: (attempt: number) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000),
  autoResubscribe: false,
};

export class RedisLink {
  readonly redis: Redis;
  private readonly subscriber: Redis;
  private subscribed = false;
  private live = false;
  private closing = false;

  constructor(
    url: string,
    private readonly channels: string[],
    private readonly handlers: RedisLinkHandlers,
  ) {
    this.redis = new Redis(url, CONNECTION_OPTIONS);
    this.subscriber = new Redis(url, CONNECTION_OPTIONS);
    this.subscriber.on('message', (channel: string, text: string) => handlers.message(channel, text));
    for (const connection of [this.redis, this.subscriber]) {
      // ioredis emits 'error' for every failed reconnect attempt; the outage is logged once, below.
      connection.on('error', () => {});
      connection.on('close', () => this.lost());
      connection.on('ready', () => void this.resume());
    }
  }

  get available(): boolean {
    return this.live;
  }

  /** Connects both; rejects when Redis cannot be reached at start (the operator sees why at once). */
  async connect(): Promise<void> {
    await Promise.all([this.redis.connect(), this.subscriber.connect()]);
    await this.resume();
    if (!this.live) throw new Error('Redis connection lost during start');
  }

  /** Runs Redis commands; a lost or slow connection becomes BackendUnavailableError (503), a refusal stays. */
  async run<T>(commands: () => Promise<T>): Promise<T> {
    if (!this.live) throw new BackendUnavailableError('Redis is unreachable');
    try {
      return await commands();
    } catch (error) {
      const message = (error as Error).message;
      // Redis out of memory (maxmemory noeviction), loading its file, or a read-only replica: try again later.
      if (error instanceof ReplyError && !/^(OOM|LOADING|READONLY|MASTERDOWN|BUSY)\b/.test(message)) {
        throw new Error(message.replace(/^ERR /, ''));
      }
      throw new BackendUnavailableError(`Redis: ${message}`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.live = false;
    await Promise.allSettled([this.redis.quit(), this.subscriber.quit()]);
    this.redis.disconnect();
    this.subscriber.disconnect();
  }

  private lost(): void {
    this.subscribed = this.subscribed && this.subscriber.status === 'ready';
    if (!this.live || this.closing) return;
    this.live = false;
    this.handlers.log('redis: connection lost; streams end, requests get 503 until it is back');
    this.handlers.interrupted();
  }

  private async resume(): Promise<void> {
    if (this.closing || this.live) return;
    if (this.redis.status !== 'ready' || this.subscriber.status !== 'ready') return;
    try {
      if (!this.subscribed) {
        await this.subscriber.subscribe(...this.channels);
        this.subscribed = true;
      }
      await this.handlers.up();
    } catch {
      return; // lost again meanwhile: the next 'ready' tries again
    }
    if (this.redis.status === 'ready' && this.subscriber.status === 'ready' && !this.live) {
      this.live = true;
      this.handlers.log('redis: connected');
    }
  }
}
