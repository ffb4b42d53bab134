// @vitest-environment node
/**
 * BackgroundCore in Node, with real fetch and real timers, against the reference server: the protocol end to end
 * without a browser.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBeaconServer, type BeaconServer, type BeaconServerOptions, type RecordedRequest } from '../../server/app';
import { createHarness, makeSettings, type Harness } from '../helpers/service-harness';

const ADMIN = 'admin-secret-token';
const ALICE = { username: 'alice', token: 'alice-token-123', role: 'user' };

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function start(options: Partial<BeaconServerOptions> = {}) {
  const requests: RecordedRequest[] = [];
  const server = await startBeaconServer({
    adminToken: ADMIN,
    users: [ALICE],
    onRequest: (r) => requests.push(r),
    ...options,
  });
  cleanups.push(() => server.close());
  return { server, requests };
}

function connect(server: BeaconServer): Harness {
  const harness = createHarness(fetch, makeSettings({ serverUrl: server.url, token: ALICE.token }));
  cleanups.push(() => harness.apply(makeSettings({ serverUrl: '' })));
  void harness.core.start();
  return harness;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

const streamRequests = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.url.startsWith('/notification/socket_connection'));

describe('BackgroundCore against the reference server', () => {
  it('loads counts on connect and follows published events', async () => {
    const { server } = await start();
    await server.store.publish('alice', { notice_type: 0, title: 'before connect' });
    const h = connect(server);
    await until(() => h.badge() === '1' && h.snapshot().connection.status === 'live', 'initial count');
    await server.store.publish('alice', { notice_type: 3, title: 'Maintenance', content: 'tonight' });
    await until(() => h.badge() === '2', 'event count');
    expect(h.snapshot().latest.system).toMatchObject({ title: 'Maintenance', content: 'tonight' });
    expect(h.notices.at(-1)).toMatchObject({ category: 'system', title: 'Maintenance', catchUp: false });
  });

  it('after a dropped connection, resumes with Last-Event-ID and loses nothing', async () => {
    const { server, requests } = await start();
    const h = connect(server);
    await until(() => h.snapshot().connection.status === 'live' && h.snapshot().countsKnown, 'live and synced');
    await server.store.publish('alice', { notice_type: 2, title: 'first' });
    await until(() => h.snapshot().lastEventId !== null, 'first event');
    server.dropStreams();
    await server.store.publish('alice', { notice_type: 2, title: 'while away 1' });
    await server.store.publish('alice', { notice_type: 1, title: 'while away 2' });
    await until(() => streamRequests(requests).length === 2, 'the reconnect');
    const latest = await server.store.latestEventId('alice');
    await until(() => h.snapshot().lastEventId === latest, 'the replayed events');
    expect(streamRequests(requests)[1]!.headers['last-event-id']).toMatch(/^[0-9a-f]+\.1$/);
    expect(h.badge()).toBe('3');
    expect(h.snapshot().counts).toMatchObject({ comments: 2, stars: 1 });
    expect(h.notices.map((notice) => notice.title)).toEqual(['first', 'while away 1', 'while away 2']);
  });

  it('stops on 401 with no retry storm', async () => {
    const { server, requests } = await start();
    const h = connect(server);
    await until(() => h.snapshot().connection.status === 'live', 'live');
    await server.store.upsertUser({ ...ALICE, token: 'rotated-token-456' });
    server.dropStreams();
    await until(() => h.snapshot().connection.status === 'signed-out', 'signed out');
    const count = streamRequests(requests).length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(streamRequests(requests).length).toBe(count);
    expect(h.badge()).toBe('!');
    expect(h.signIns).toBe(1);
    expect(h.snapshot().connection.reason).toMatchObject({ code: 'http', status: 401 });
  });

  it('recovers after a server restart on the same port, with the right count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beacon-it-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const first = await start({ dataDir: dir });
    const h = connect(first.server);
    await until(() => h.snapshot().connection.status === 'live', 'live');
    await first.server.store.publish('alice', { notice_type: 4, title: 'one' });
    await until(() => h.badge() === '1', 'first count');
    await first.server.close();
    await until(() => h.snapshot().connection.status !== 'live', 'noticed the restart');
    const second = await start({ dataDir: dir, port: first.server.port, users: [] });
    await second.server.store.publish('alice', { notice_type: 4, title: 'two' });
    const took = await until(() => h.badge() === '2' && h.snapshot().connection.status === 'live', 'live again', 5000);
    expect(took).toBeLessThan(2000);
  });

  it('a server without our data (memory restart) answers resync, and counts are refetched', async () => {
    const first = await start();
    const h = connect(first.server);
    await until(() => h.snapshot().connection.status === 'live', 'live');
    await first.server.store.publish('alice', { notice_type: 0, title: 'x' });
    await until(() => h.badge() === '1', 'count');
    await first.server.close();
    const second = await start({ port: first.server.port });
    await second.server.store.publish('alice', { notice_type: 0 });
    await second.server.store.publish('alice', { notice_type: 0 });
    await second.server.store.publish('alice', { notice_type: 0 });
    await until(() => h.badge() === '3', 'refetched count');
    expect(second.requests.some((r) => r.url.startsWith('/notification/likes?'))).toBe(true);
  });
});
