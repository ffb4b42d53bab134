// @vitest-environment node
/**
 * The server on a real Redis Cluster (3 masters with one replica each, started here on loopback ports): the backend
 * contract and the scale-out tests of one Redis pass unchanged with `--redis` naming one node; users spread over
 * every shard; a publish is answered 2xx only once a replica has it; and a master killed mid-stream is replaced by its
 * replica while the instances answer 503, then recover by themselves with nothing acknowledged lost; the same when
 * the whole cluster goes down and comes back.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconServer } from '../../server/app';
import { RedisStore } from '../../server/store/redis-store';
import { getKeySlot, getShardChannel } from '../../server/store/redis-shard-channels';
import { getClusterMissingReason, RedisCluster } from '../helpers/redis-cluster';
import { ALICE, auth, publish, publishWithRetryAfter, stream } from '../helpers/server-fixture';
import { getEventIds } from '../helpers/sse-client';
import { describeBackendContract } from './backend-contract';
import { defineScaleOutTests, getUnreadCount, startPair } from './scale-out-scenarios';

const missing = getClusterMissingReason();
let cluster: RedisCluster;
let next = 0;

describe.skipIf(missing)(`Redis Cluster, 3 shards${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
  }, 60_000);
  afterAll(() => cluster?.stop());

  describeBackendContract('redis cluster', (options) =>
    RedisStore.connect(cluster.url, { ...options, prefix: `c${next++}:` }),
  );

  defineScaleOutTests(() => cluster.url);

  it('spreads users over every shard: each user in one slot, every master holding some', async () => {
    const [a] = await startPair(cluster.url);
    for (let i = 0; i < 30; i++) {
      await a.store.upsertUser({ username: `user ${i}`, role: 'user' });
      expect((await publish(a, { username: `user ${i}`, notice_type: i % 6 })).status).toBe(201);
    }
    const sizes = await Promise.all(
      (await cluster.getMasterPorts()).map(async (port) => {
        const node = new Redis({ port, host: '127.0.0.1' });
        try {
          return await node.dbsize();
        } finally {
          node.disconnect();
        }
      }),
    );
    expect(sizes).toHaveLength(3);
    for (const size of sizes) expect(size).toBeGreaterThan(10);
  });

  it("fans out with sharded pub/sub: only the user's shard carries a publish, which still reaches the other instance", async () => {
    const [a, b] = await startPair(cluster.url);
    const onB = await stream(b);
    await onB.waitFor(': connected');
    const { master } = await cluster.getShard('{alice}');
    const masters = await cluster.getMasterPorts();
    const before = await Promise.all(masters.map((port) => getPublishCalls(port)));
    for (let i = 0; i < 10; i++) {
      expect((await publish(a, { username: 'alice', notice_type: 0, title: `sharded ${i}` })).status).toBe(201);
    }
    await onB.waitFor('"title":"sharded 9"');
    const after = await Promise.all(masters.map((port) => getPublishCalls(port)));
    masters.forEach((port, i) => {
      // Classic PUBLISH: none on any node. SPUBLISH: ten, on the user's master alone.
      expect(after[i]!.publish - before[i]!.publish, `PUBLISH on ${port}`).toBe(0);
      expect(after[i]!.spublish - before[i]!.spublish, `SPUBLISH on ${port}`).toBe(port === master ? 10 : 0);
    });
  });

  it('subscribes each slot once at start: one resubscription at a time, whatever events ask for one', async () => {
    // Two at once (the connections' 'ready' and the start itself) each dropped the other's subscribers midway: the
    // probe of one failed, and the start with it.
    const before = await getCommandCalls('ssubscribe');
    await RedisStore.connect(cluster.url, { prefix: `c${next++}:` }).then((store) => store.close());
    expect((await getCommandCalls('ssubscribe')) - before).toBe(16_384);
  });

  it("computes hash slots as Redis does (the events channel of a user is in the user's slot)", async () => {
    const node = new Redis({ host: '127.0.0.1', port: (await cluster.getMasterPorts())[0]! });
    try {
      for (const key of [
        'beacon:{alice}:log',
        'x',
        'a{}b',
        '{}{b}',
        'beacon:{%E2%9C%93}:items:likes',
        'events{1ekh}',
      ]) {
        expect(getKeySlot(key), key).toBe(Number(await node.call('CLUSTER', 'KEYSLOT', key)));
      }
      const channel = getShardChannel('beacon:', 'beacon:{alice}:user');
      expect(Number(await node.call('CLUSTER', 'KEYSLOT', channel))).toBe(
        Number(await node.call('CLUSTER', 'KEYSLOT', 'beacon:{alice}:user')),
      );
    } finally {
      node.disconnect();
    }
  });

  it('a slot moved to another master (reshard): streams end, the event is replayed, live events follow the slot', async () => {
    const [a, b] = await startPair(cluster.url);
    const onB = await stream(b);
    await onB.waitFor(': connected');
    await publish(a, { username: 'alice', notice_type: 0, title: 'before move' });
    const [before] = getEventIds(await onB.waitFor('"title":"before move"'));
    await moveSlot('{alice}');
    // a notices the move (the MOVED its first request for the slot meets, or its slot refresh every 2 s) as any
    // interruption: until it has subscribed where the slot is now, requests get 503 + Retry-After with nothing
    // written (docs/deploying.md). A publisher sends again after Retry-After.
    expect((await publishWithRetryAfter(a, { username: 'alice', notice_type: 0, title: 'moved' })).status).toBe(201);
    // b's subscription was on the old master: it must notice (its streams end), not wait for an event that never comes.
    await onB.ended;
    await waitUntilHealthy([b]);
    const resumed = await stream(b, { ...auth(ALICE.token), 'Last-Event-ID': before! });
    await resumed.waitFor('"title":"moved"');
    const afterMove = await publishWithRetryAfter(a, { username: 'alice', notice_type: 0, title: 'after move' });
    expect(afterMove.status).toBe(201);
    await resumed.waitFor('"title":"after move"');
  }, 45_000);

  it('answers a publish 503 with Retry-After, not 201, when the shard replica does not confirm it in time', async () => {
    const [a] = await startPair(cluster.url);
    const { replicas } = await cluster.getShard('{alice}');
    cluster.pause(replicas[0]!);
    try {
      const refused = await publish(a, { username: 'alice', notice_type: 0, title: 'unconfirmed' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
    } finally {
      cluster.resume(replicas[0]!);
    }
    // Paused past the node timeout (1 s), the replica may have been marked failed and a's link interrupted (any node
    // lost counts): 503 + Retry-After until a has subscribed again. A publisher sends again after Retry-After.
    const confirmed = await publishWithRetryAfter(a, { username: 'alice', notice_type: 0, title: 'confirmed' });
    expect(confirmed.status).toBe(201);
  }, 30_000);

  it('a master slow to answer the start probe (SPUBLISH held past its 2 s deadline): a clear error, no unhandled rejection', async () => {
    // An unhandled rejection ends a Node process: a master slow during a probe would take the instance down.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    const masters = await cluster.getMasterPorts();
    process.on('unhandledRejection', onUnhandled);
    try {
      // Long enough for the probe to be sent inside it, however slow the subscriptions before it are.
      await Promise.all(masters.map((port) => cluster.pauseWrites(port, 20_000)));
      await expect(startPair(cluster.url)).rejects.toThrow(/cannot reach Redis/);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await Promise.all(masters.map((port) => cluster.resumeWrites(port)));
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled.map(String)).toEqual([]);
    const [a] = await startPair(cluster.url);
    expect((await publish(a, { username: 'alice', notice_type: 0 })).status).toBe(201);
  }, 40_000);

  it('a master killed: streams end, 503 while its slots are down, its replica takes over, nothing acknowledged lost', async () => {
    const [a, b] = await startPair(cluster.url);
    const onA = await stream(a);
    await onA.waitFor(': connected');
    await publish(b, { username: 'alice', notice_type: 0, title: 'before' });
    const [before] = getEventIds(await onA.waitFor('"title":"before"'));
    expect((await publish(b, { username: 'alice', notice_type: 0, title: 'acknowledged' })).status).toBe(201);

    const { master } = await cluster.getShard('{alice}');
    await cluster.kill(master);
    try {
      await onA.ended;
      const during = await publish(a, { username: 'alice', notice_type: 0, title: 'during' });
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('5');

      await waitUntilHealthy([a, b]);
      const resumed = await stream(b, { ...auth(ALICE.token), 'Last-Event-ID': before! });
      await resumed.waitFor('"title":"acknowledged"');
      expect(resumed.text()).not.toContain('resync');
      // The link interrupted once more after /healthz answered (any node lost counts) gives 503 + Retry-After too.
      expect((await publishWithRetryAfter(a, { username: 'alice', notice_type: 0, title: 'after' })).status).toBe(201);
      await resumed.waitFor('"title":"after"');
      expect(await getUnreadCount(a)).toBe(3);
    } finally {
      // The old master comes back as a replica of the new one; the cluster serves every slot again.
      await cluster.restart(master);
      await cluster.waitUntilServing();
    }
  }, 40_000);

  it('the whole cluster down and back: 503 meanwhile, then recovery by itself with every acknowledged event kept', async () => {
    const [a, b] = await startPair(cluster.url);
    const onA = await stream(a);
    await onA.waitFor(': connected');
    await publish(b, { username: 'alice', notice_type: 1, title: 'before' });
    const [before] = getEventIds(await onA.waitFor('"title":"before"'));
    expect((await publish(b, { username: 'alice', notice_type: 1, title: 'acknowledged' })).status).toBe(201);

    await Promise.all(cluster.ports.map((port) => cluster.kill(port)));
    await onA.ended;
    for (const server of [a, b]) {
      const refused = await publish(server, { username: 'alice', notice_type: 1 });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
    }

    // Every node again with its files (append-only, fsynced): the same cluster, the same masters.
    await Promise.all(cluster.ports.map((port) => cluster.restart(port)));
    await cluster.waitUntilServing();
    await waitUntilHealthy([a, b]);
    const resumed = await stream(a, { ...auth(ALICE.token), 'Last-Event-ID': before! });
    await resumed.waitFor('"title":"acknowledged"');
    expect(resumed.text()).not.toContain('resync');
    expect((await publishWithRetryAfter(b, { username: 'alice', notice_type: 1, title: 'after' })).status).toBe(201);
    await resumed.waitFor('"title":"after"');
    expect(await getUnreadCount(a, 'stars')).toBe(3);
  }, 60_000);
});

/**
 * Polls `/healthz` as a load balancer does until every server answers 200 within 15 s: a connection reset or refused
 * is a failed check, not the end (a reused keep-alive connection met a reset on a loaded machine).
 */
async function waitUntilHealthy(servers: BeaconServer[]): Promise<void> {
  const isHealthy = async (server: BeaconServer) => {
    try {
      const response = await fetch(`${server.url}/healthz`);
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  };
  const started = Date.now();
  while (!(await Promise.all(servers.map(isHealthy))).every(Boolean)) {
    expect(Date.now() - started, 'instances back within 15 s').toBeLessThan(15_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Moves the slot of `key` to another master, keys and all (what `redis-cli --cluster reshard` does for one slot). */
async function moveSlot(key: string): Promise<void> {
  const { master } = await cluster.getShard(key);
  const masters = await cluster.getMasterPorts();
  const target = masters.find((port) => port !== master)!;
  const nodes = new Map(masters.map((port) => [port, new Redis({ host: '127.0.0.1', port })]));
  try {
    const source = nodes.get(master)!;
    const destination = nodes.get(target)!;
    const slot = Number(await source.call('CLUSTER', 'KEYSLOT', key));
    const sourceId = String(await source.call('CLUSTER', 'MYID'));
    const targetId = String(await destination.call('CLUSTER', 'MYID'));
    await destination.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', sourceId);
    await source.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', targetId);
    const keys = (await source.call('CLUSTER', 'GETKEYSINSLOT', slot, 1000)) as string[];
    if (keys.length > 0) await source.call('MIGRATE', '127.0.0.1', target, '', 0, 5000, 'KEYS', ...keys);
    for (const node of [destination, source, ...nodes.values()]) {
      await node.call('CLUSTER', 'SETSLOT', slot, 'NODE', targetId);
    }
  } finally {
    for (const node of nodes.values()) node.disconnect();
  }
}

/** Calls of `command` all masters have run. */
async function getCommandCalls(command: string): Promise<number> {
  const calls = await Promise.all((await cluster.getMasterPorts()).map((port) => getCallCounter(port)));
  return calls.reduce((sum, count) => sum + count(command), 0);
}

/** Calls of PUBLISH and SPUBLISH a node has run. */
async function getPublishCalls(port: number): Promise<{ publish: number; spublish: number }> {
  const calls = await getCallCounter(port);
  return { publish: calls('publish'), spublish: calls('spublish') };
}

/** The calls of each command a node has run so far (`INFO commandstats`, scripts' calls included). */
async function getCallCounter(port: number): Promise<(command: string) => number> {
  const node = new Redis({ host: '127.0.0.1', port });
  try {
    const stats = await node.info('commandstats');
    return (name) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  } finally {
    node.disconnect();
  }
}
