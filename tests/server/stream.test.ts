// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ALICE, ROOT, auth, publish, start, stream, trackStream } from '../helpers/server-fixture';
import { getEventIds, openStream } from '../helpers/sse-client';

describe('event stream', () => {
  it('delivers published events with ids, unread_count and the item fields', async () => {
    const server = await start();
    const events = await stream(server);
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await events.waitFor(': connected');

    const response = await publish(server, {
      username: 'alice',
      notice_type: 2,
      title: 'Bob commented',
      content: 'Nice',
      url: 'https://app.test/c/1',
    });
    expect(response.status).toBe(201);
    const text = await events.waitFor('Bob commented');
    const data = JSON.parse(/^data: (.+)$/m.exec(text)![1]!);
    expect(data).toMatchObject({
      notice_type: 2,
      unread_count: 1,
      title: 'Bob commented',
      content: 'Nice',
      url: 'https://app.test/c/1',
    });
    expect(getEventIds(text)).toHaveLength(1);
  });

  it('sends `: ping` heartbeats', async () => {
    const server = await start({ heartbeatMs: 50 });
    const events = await stream(server);
    await events.waitFor(/(: ping\n\n[^]*){2}/);
  });

  it('sends retry: when configured', async () => {
    const server = await start({ retryMs: 2500 });
    const events = await stream(server);
    await events.waitFor('retry: 2500\n');
  });

  it('only delivers a user their own events', async () => {
    const server = await start();
    const alice = await stream(server);
    const root = await stream(server, auth(ROOT.token));
    await Promise.all([alice.waitFor(': connected'), root.waitFor(': connected')]);
    await publish(server, { username: 'root', notice_type: 5, title: 'for root' });
    await root.waitFor('for root');
    await publish(server, { username: 'alice', notice_type: 0, title: 'for alice' });
    await alice.waitFor('for alice');
    expect(alice.text()).not.toContain('for root');
  });

  it('replays what was missed after Last-Event-ID, in order, then goes live', async () => {
    const server = await start();
    const first = await stream(server);
    await first.waitFor(': connected');
    for (const title of ['one', 'two', 'three']) await publish(server, { username: 'alice', notice_type: 0, title });
    const seen = await first.waitFor('three');
    const [id1] = getEventIds(seen);
    first.close();

    const second = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': id1! });
    const replayed = await second.waitFor('three');
    expect(replayed).not.toContain('"one"');
    expect(replayed.indexOf('"two"')).toBeLessThan(replayed.indexOf('"three"'));
    expect(replayed).not.toContain('resync');
    await publish(server, { username: 'alice', notice_type: 0, title: 'four' });
    await second.waitFor('four');
  });

  it('answers resync when the id is older than the log, unknown, or from another server instance', async () => {
    const server = await start({ replayLimit: 2 });
    const first = await stream(server);
    await first.waitFor(': connected');
    for (const title of ['a', 'b', 'c', 'd']) await publish(server, { username: 'alice', notice_type: 0, title });
    const ids = getEventIds(await first.waitFor('"d"'));

    for (const lastId of [ids[0]!, 'ffffffff.1', 'garbage', `${ids[0]!.split('.')[0]}.999`]) {
      const again = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': lastId });
      const text = await again.waitFor('replay_unavailable');
      expect(text).toContain(`event: resync\nid: ${ids[3]}\n`);
      expect(text).not.toContain('"title"');
      again.close();
    }
    // Inside the log: replay, no resync.
    const inLog = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': ids[2]! });
    const text = await inLog.waitFor('"d"');
    expect(text).not.toContain('resync');
  });

  it('refuses a stream without credentials, with a bad token, and legacy ?username= unless enabled', async () => {
    const server = await start();
    for (const [url, headers] of [
      ['/notification/socket_connection', {}],
      ['/notification/socket_connection', auth('wrong-token-000')],
      ['/notification/socket_connection?username=alice', {}],
    ] as const) {
      const response = await fetch(server.url + url, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toHaveProperty('error');
    }
    const legacy = await start({ legacyUsernameAuth: true });
    const events = await openStream(`${legacy.url}/notification/socket_connection?username=alice`);
    trackStream(events);
    expect(events.status).toBe(200);
  });

  it('limits streams per user with 429 and Retry-After', async () => {
    const server = await start({ maxStreamsPerUser: 2 });
    await stream(server);
    await stream(server);
    const response = await fetch(`${server.url}/notification/socket_connection`, { headers: auth(ALICE.token) });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('closes streams cleanly on shutdown', async () => {
    const server = await start();
    const events = await stream(server);
    await events.waitFor(': connected');
    expect(server.streamCount()).toBe(1);
    await server.close();
    expect(server.streamCount()).toBe(0);
  });
});

describe('legacy events', () => {
  it('sends only notice_type, on live streams and in replay', async () => {
    const server = await start({ legacyEvents: true });
    const events = await stream(server);
    await events.waitFor(': connected');
    await publish(server, { username: 'alice', notice_type: 2, title: 'hidden' });
    const text = await events.waitFor('"notice_type":2');
    expect(text).toMatch(/^data: \{"notice_type":2\}$/m);
    expect(text).not.toContain('hidden');
  });
});
