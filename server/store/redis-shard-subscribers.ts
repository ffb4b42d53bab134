/**
 * Sharded pub/sub's subscribers on Redis Cluster: one connection per master of the slot map, each `SSUBSCRIBE`d to
 * the events channel of every slot that master serves (redis-shard-channels.ts). A message published with
 * `SPUBLISH` goes to its shard's nodes only, so these connections follow the slots: any of them lost, or a slot
 * map that moved a slot (a failover, a reshard: `matches`), is an interruption, and the link subscribes all again
 * from the slot map of the moment. ioredis's own `shardedSubscribers` was tried first: its first subscriptions sometimes hung until the
 * command timeout (a race between its two ways of connecting a subscriber), so this is the small, explicit version.
 */
import { Redis, type RedisOptions } from 'ioredis';

export class ShardSubscribers {
  private connections: Redis[] = [];
  /** The master of each slot when subscribed. */
  private masters: string[] = [];

  constructor(
    private readonly options: RedisOptions,
    private readonly channels: () => string[],
    private readonly onMessage: (channel: string, text: string) => void,
    private readonly onLost: () => void,
  ) {}

  /** Drops the current connections and subscribes anew; `slots[slot][0]` is the slot's master, `host:port`. */
  async subscribe(slots: string[][]): Promise<void> {
    this.stop();
    this.masters = slots.map((nodes) => nodes?.[0] ?? '');
    const slotsOfMaster = new Map<string, number[]>();
    slots.forEach((nodes, slot) => {
      const master = nodes?.[0];
      if (master) slotsOfMaster.set(master, [...(slotsOfMaster.get(master) ?? []), slot]);
    });
    const channels = this.channels();
    const subscriptions = [...slotsOfMaster].map(async ([address, owned]) => {
      const separator = address.lastIndexOf(':');
      const connection = new Redis({
        ...this.options,
        host: address.slice(0, separator),
        port: Number(address.slice(separator + 1)),
        lazyConnect: true,
        // Not reconnected alone: a lost one makes the link subscribe all again, wherever the slots are then.
        retryStrategy: () => null,
      });
      this.connections.push(connection);
      connection.on('error', () => {});
      connection.on('smessage', this.onMessage);
      connection.on('close', () => {
        if (this.connections.includes(connection)) this.onLost();
      });
      await connection.connect();
      await Promise.all(owned.map((slot) => connection.ssubscribe(channels[slot]!)));
    });
    await Promise.all(subscriptions);
  }

  /** Whether every slot is still where it was when subscribed (a reshard or a failover moves some). */
  matches(slots: string[][]): boolean {
    return this.masters.length === slots.length && slots.every((nodes, slot) => nodes?.[0] === this.masters[slot]);
  }

  stop(): void {
    const old = this.connections;
    this.connections = [];
    for (const connection of old) connection.disconnect();
  }
}
