/**
 * The scale-out behaviour every Redis deployment must show, whatever is behind `--redis` (one Redis, or any node of a
 * Redis Cluster): two instances as behind a load balancer, any instance answering any request, live events and mark
 * read reaching streams on every instance, replay wherever the client reconnects, sessions shared.
 */
import { expect, it } from 'vitest';
import type { BeaconServer } from '../../server/app';
import { ALICE, auth, publish, signInCookie, start, stream } from '../helpers/server-fixture';
import { getEventIds } from '../helpers/sse-client';

let prefix = 0;

/** Two instances sharing a fresh data set (key prefix) in the Redis at `url`. */
export async function startPair(url: string): Promise<[BeaconServer, BeaconServer]> {
  const options = { redisUrl: url, redisPrefix: `i${prefix++}:` };
  return [await start(options), await start(options)];
}

export const getUnreadCount = async (server: BeaconServer, category = 'likes') => {
  const response = await fetch(`${server.url}/notification/${category}?limit=1`, { headers: auth(ALICE.token) });
  return ((await response.json()) as { unread_count: number }).unread_count;
};

const markRead = (server: BeaconServer, category: string) =>
  fetch(`${server.url}/notification/${category}/read`, {
    method: 'POST',
    headers: { ...auth(ALICE.token), 'Content-Type': 'application/json' },
    body: '{}',
  });

/** The scale-out tests, inside the caller's describe; `getUrl` is read when each test runs. */
export function defineScaleOutTests(getUrl: () => string): void {
  const pair = () => startPair(getUrl());
  const counts = getUnreadCount;
  it('fans out a publish on one instance to streams on the other, with increasing ids', async () => {
    const [a, b] = await pair();
    const onB = await stream(b);
    await onB.waitFor(': connected');
    for (let i = 0; i < 5; i++)
      expect((await publish(a, { username: 'alice', notice_type: 0, title: `a${i}` })).status).toBe(201);
    for (let i = 0; i < 5; i++) await publish(b, { username: 'alice', notice_type: 0, title: `b${i}` });
    const text = await onB.waitFor('"title":"b4"');
    const ids = getEventIds(text);
    expect(ids).toHaveLength(10);
    const entries = ids.map((id) => id.split('.')[1]!.split('-').map(Number) as [number, number]);
    for (let i = 1; i < entries.length; i++) {
      const [[ms0, seq0], [ms1, seq1]] = [entries[i - 1]!, entries[i]!];
      expect(ms1 > ms0 || (ms1 === ms0 && seq1 > seq0), `${ids[i - 1]} < ${ids[i]}`).toBe(true);
    }
    expect(await counts(a)).toBe(10);
    expect(await counts(b)).toBe(10);
  });

  it('replays on another instance after the Last-Event-ID a client got from the first; foreign ids get resync', async () => {
    const [a, b] = await pair();
    const onA = await stream(a);
    await onA.waitFor(': connected');
    await publish(b, { username: 'alice', notice_type: 2, title: 'seen' });
    const [seen] = getEventIds(await onA.waitFor('"title":"seen"'));
    onA.close();
    for (let i = 1; i <= 3; i++) await publish(a, { username: 'alice', notice_type: 2, title: `missed ${i}` });
    const again = await stream(b, { ...auth(ALICE.token), 'Last-Event-ID': seen! });
    const text = await again.waitFor('"title":"missed 3"');
    expect(text).not.toContain('resync');
    expect([...text.matchAll(/"title":"(missed \d)"/g)].map((match) => match[1])).toEqual([
      'missed 1',
      'missed 2',
      'missed 3',
    ]);
    // A live event after the replay comes once, after it.
    await publish(a, { username: 'alice', notice_type: 2, title: 'live' });
    expect(getEventIds(await again.waitFor('"title":"live"'))).toHaveLength(4);

    const other = await stream(a, { ...auth(ALICE.token), 'Last-Event-ID': `abcdef.${seen!.split('.')[1]}` });
    await other.waitFor('event: resync');
  });

  it('mark read on one instance sends the "read" event to streams on the other; counts agree', async () => {
    const [a, b] = await pair();
    for (let i = 0; i < 3; i++) await publish(a, { username: 'alice', notice_type: 1 });
    const onA = await stream(a);
    await onA.waitFor(': connected');
    expect((await markRead(b, 'stars')).status).toBe(204);
    const text = await onA.waitFor('"kind":"read"');
    expect(text).toContain('"notice_type":1,"unread_count":0,"kind":"read"');
    expect(await counts(a, 'stars')).toBe(0);
  });

  it('a cookie session works on every instance, and signing out on one ends its streams on the other', async () => {
    const [a, b] = await pair();
    const cookie = await signInCookie(a);
    const onB = await stream(b, { Cookie: cookie });
    expect(onB.status).toBe(200);
    await onB.waitFor(': connected');
    const signOut = await fetch(`${a.url}/auth/session`, {
      method: 'DELETE',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(signOut.status).toBe(204);
    await onB.ended;
    expect((await fetch(`${b.url}/notification/me`, { headers: { Cookie: cookie } })).status).toBe(401);
  });
}
