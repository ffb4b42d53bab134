// @vitest-environment node
/**
 * Report e-mails (type 5) reach only roles that may read them (protocol §2): live, replayed, and after a role change,
 * which ends the user's open streams so they reconnect under the new role. Run on both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BeaconServerOptions } from '../../server/app';
import { getRedisMissingReason, RedisProcess } from '../helpers/redis-server';
import { ALICE, auth, publish, signInCookie, start, stream } from '../helpers/server-fixture';
import { getEventIds } from '../helpers/sse-client';

const ADMIN = 'admin-secret-token';
const putUser = (url: string, name: string, body: unknown) =>
  fetch(`${url}/admin/users/${name}`, {
    method: 'PUT',
    headers: { ...auth(ADMIN), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

/** The notice types of the message events in a stream's text, in order. */
const noticeTypes = (text: string) =>
  [...text.matchAll(/^data: (\{.*\})$/gm)].map(
    (match) => (JSON.parse(match[1]!) as { notice_type: number }).notice_type,
  );

const missing = getRedisMissingReason();
let redis: RedisProcess | null = null;
let prefix = 0;

const backends: Array<[string, () => Partial<BeaconServerOptions>]> = [['memory', () => ({})]];
if (!missing) backends.push(['redis', () => ({ redisUrl: redis!.url, redisPrefix: `roles${prefix++}:` })]);
if (missing) describe.skip(`stream roles on Redis (skipped: ${missing})`, () => {});

beforeAll(async () => {
  if (!missing) redis = await RedisProcess.start();
});
afterAll(() => redis?.stop());

describe.each(backends)('stream roles (%s)', (_name, backend) => {
  it('never sends a type-5 event, new or read, to a user whose role is user; other types still arrive', async () => {
    const server = await start(backend());
    const events = await stream(server);
    await events.waitFor(': connected');
    await publish(server, { username: 'alice', notice_type: 5, title: 'secret report' });
    await fetch(`${server.url}/notification/report_email/read`, { method: 'POST', headers: auth(ALICE.token) });
    // Published on Alice's own behalf in the store (the route answers 403): a read event of type 5 is logged too.
    await server.store.markRead('alice', 'report_email');
    await publish(server, { username: 'alice', notice_type: 0, title: 'a like' });
    await events.waitFor('a like');
    expect(noticeTypes(events.text())).toEqual([0]);
    expect(events.text()).not.toContain('secret report');
  });

  it('replays after a Last-Event-ID without the hidden events, and from the id of a hidden one', async () => {
    const server = await start(backend());
    const first = await (await publish(server, { username: 'alice', notice_type: 0, title: 'one' })).json();
    const hidden = await (await publish(server, { username: 'alice', notice_type: 5, title: 'hidden' })).json();
    await publish(server, { username: 'alice', notice_type: 2, title: 'three' });
    const replay = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': first.event_id });
    await replay.waitFor('three');
    expect(noticeTypes(replay.text())).toEqual([2]);
    expect(replay.text()).not.toContain('resync');
    const fromHidden = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': hidden.event_id });
    await fromHidden.waitFor('three');
    expect(noticeTypes(fromHidden.text())).toEqual([2]);
    // Ids stay increasing after a gap, so the client's next Last-Event-ID resumes after what it got.
    const [third] = getEventIds(fromHidden.text());
    const after = await stream(server, { ...auth(ALICE.token), 'Last-Event-ID': third! });
    await after.waitFor(': connected');
    await publish(server, { username: 'alice', notice_type: 1, title: 'four' });
    await after.waitFor('four');
    expect(noticeTypes(after.text())).toEqual([1]);
  });

  it('still sends type 5 to other roles, live and replayed', async () => {
    const server = await start(backend());
    const events = await stream(server, auth('root-token-1234'));
    await events.waitFor(': connected');
    const published = await (await publish(server, { username: 'root', notice_type: 5, title: 'report' })).json();
    await events.waitFor('report');
    const replay = await stream(server, { ...auth('root-token-1234'), 'Last-Event-ID': '' });
    await replay.waitFor(': connected');
    expect(noticeTypes(events.text())).toEqual([5]);
    expect(getEventIds(events.text())).toEqual([published.event_id]);
  });

  it('a role change ends the open streams (token and cookie) at once, without signing the user out', async () => {
    const server = await start(backend());
    const cookie = await signInCookie(server);
    const byToken = await stream(server);
    const byCookie = await stream(server, { Cookie: cookie });
    await Promise.all([byToken.waitFor(': connected'), byCookie.waitFor(': connected')]);
    expect((await putUser(server.url, 'alice', { role: 'manager' })).status).toBe(200);
    await Promise.all([byToken.ended, byCookie.ended]);
    // Reconnected, the same credentials see report e-mails now.
    const again = await stream(server, { Cookie: cookie });
    expect(again.status).toBe(200);
    await again.waitFor(': connected');
    await publish(server, { username: 'alice', notice_type: 5, title: 'now visible' });
    await again.waitFor('now visible');
    // And back to user: the stream ends again and the next one hides them.
    expect((await putUser(server.url, 'alice', { role: 'user' })).status).toBe(200);
    await again.ended;
    const last = await stream(server);
    await last.waitFor(': connected');
    await publish(server, { username: 'alice', notice_type: 5, title: 'hidden again' });
    await publish(server, { username: 'alice', notice_type: 0, title: 'a like' });
    await last.waitFor('a like');
    expect(last.text()).not.toContain('hidden again');
  });

  it('an unchanged role keeps the streams open', async () => {
    const server = await start(backend());
    const events = await stream(server);
    await events.waitFor(': connected');
    expect((await putUser(server.url, 'alice', { role: 'user' })).status).toBe(200);
    await publish(server, { username: 'alice', notice_type: 0, title: 'still here' });
    await events.waitFor('still here');
    expect(server.streamCount()).toBe(1);
  });
});
