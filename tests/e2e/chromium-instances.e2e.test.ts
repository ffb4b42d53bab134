/**
 * Two server instances on one Redis behind a round-robin proxy, Beacon in real Chromium connected through it. The
 * instance holding Beacon's stream is killed mid-stream while events are published through the other: Beacon must
 * reconnect (the proxy sends it to the survivor) with Last-Event-ID, get the missed events replayed, not resync,
 * and show the right badge with every event received exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../utils/snapshot/snapshot';
import { isLiveTitle } from '../drivers/badge-title';
import { hasBrowser } from '../drivers/browsers';
import { ChromiumBeacon } from '../drivers/chromium';
import { RoundRobinProxy, ServerProcess } from '../drivers/server-cluster';
import { waitFor } from '../drivers/test-server';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';

const ADMIN_TOKEN = 'e2e-admin-token-0123';
const USER = { username: 'alice', token: 'alice-e2e-token-1' };
const redisMissing = getRedisMissingReason();

async function publish(server: ServerProcess, body: Record<string, unknown>): Promise<{ event_id: string }> {
  const response = await fetch(`${server.url}/admin/publish`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: USER.username, ...body }),
  });
  if (response.status !== 201) throw new Error(`publish: ${response.status} ${await response.text()}`);
  return (await response.json()) as { event_id: string };
}

describe.skipIf(!hasBrowser('chromium') || redisMissing)(
  `Chromium: two instances on one Redis behind a load balancer${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let redis: RedisProcess | null = null;
    let servers: ServerProcess[] = [];
    let proxy: RoundRobinProxy | null = null;
    let beacon: ChromiumBeacon | null = null;
    afterEach(async (context) => {
      if (context.task.result?.state === 'fail') {
        await beacon?.saveFailureArtifacts(context.task.name);
        for (const server of servers) console.log(`instance ${server.url}:\n${server.lines.join('\n')}`);
        for (const c of proxy?.connections ?? [])
          console.log(`→ ${c.backendPort}: ${c.request.slice(0, 300)}\n← ${c.response.slice(0, 600)}`);
      }
      await beacon?.close();
      await proxy?.close();
      await Promise.all(servers.map((server) => server.kill()));
      await redis?.stop();
    });

    it('the instance holding the stream dies; Beacon resumes on the other with Last-Event-ID, nothing lost', async () => {
      redis = await RedisProcess.start();
      const args = ['--redis', redis.url];
      const secrets = { BEACON_ADMIN_TOKEN: ADMIN_TOKEN, BEACON_USERS: `${USER.username}:${USER.token}:user` };
      servers = await Promise.all([ServerProcess.start(args, secrets), ServerProcess.start(args, secrets)]);
      proxy = await RoundRobinProxy.start(servers.map((server) => server.port));
      await publish(servers[0]!, { notice_type: 0, title: 'waiting 1' });
      await publish(servers[1]!, { notice_type: 2, title: 'waiting 2' });

      beacon = await ChromiumBeacon.launch();
      await beacon.configure({ serverUrl: proxy.url, authMethod: 'token', token: USER.token });
      await waitFor(
        () => beacon!.badge(),
        (badge) => isLiveTitle(badge.title) && badge.text === '2',
        'live, 2 unread',
      );
      const holder = servers.find((server) => server.streamsOpened() === 1)!;
      const other = servers.find((server) => server !== holder)!;
      expect(holder.streamsOpened() + other.streamsOpened()).toBe(1);

      // A live event through the holder's stream, published on the other instance: Beacon now has a Last-Event-ID.
      const seen = await publish(other, { notice_type: 0, title: 'live before the crash' });
      await waitFor(
        () => beacon!.badgeText(),
        (text) => text === '3',
        'the live event',
      );

      // The crash: the proxy holds Beacon's reconnect while events are published, so they can only come as replay.
      proxy.pause();
      await holder.kill();
      const missed: Array<{ event_id: string }> = [];
      for (let i = 1; i <= 5; i++) missed.push(await publish(other, { notice_type: i % 3, title: `missed ${i}` }));
      proxy.resume();

      await waitFor(
        () => beacon!.badge(),
        (badge) => isLiveTitle(badge.title) && badge.text === '8',
        'badge 8, live',
      );
      const streams = proxy.connections.filter((c) => c.request.includes('GET /notification/socket_connection'));
      const resumed = streams.filter((c) => c.backendPort === other.port);
      expect(resumed.length).toBeGreaterThanOrEqual(1);
      expect(resumed[0]!.request).toMatch(new RegExp(`^last-event-id: ${seen.event_id.replace('.', '\\.')}\\r$`, 'im'));
      const titles = [...resumed[0]!.response.matchAll(/"title":"(missed \d)"/g)].map((match) => match[1]);
      expect(titles).toEqual(['missed 1', 'missed 2', 'missed 3', 'missed 4', 'missed 5']);
      for (const stream of streams) expect(stream.response).not.toContain('event: resync');
      const snapshot = await waitFor(
        () => beacon!.storage<Snapshot>('snapshot'),
        (saved) => saved.accounts?.[0]?.lastEventId === missed.at(-1)!.event_id,
        'the last event saved',
      );
      // Each event once: the one live before the crash and the five replayed.
      expect(snapshot.diagnostics.eventsReceived).toBe(6);
      expect(snapshot.accounts[0]!.counts).toMatchObject({ likes: 3, stars: 2, comments: 3 });
    });
  },
);
