// @vitest-environment node
/** The numeric-ids proxy the e2e runs Beacon against: the reference server, with ids as JSON numbers. */
import { afterEach, describe, expect, it } from 'vitest';
import { startNumericIdsProxy, type NumericIdsProxy } from '../helpers/numeric-ids-proxy';
import { openStream } from '../helpers/sse-client';
import { ALICE, auth, publish, start, trackStream } from '../helpers/server-fixture';

let proxy: NumericIdsProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  proxy = null;
});

describe('numeric-ids proxy', () => {
  it('sends items and events with numeric ids and read as 0/1, and takes the numbers back in a mark read', async () => {
    const server = await start();
    proxy = await startNumericIdsProxy(() => server.url);
    const events = await openStream(`${proxy.url}/notification/socket_connection`, auth(ALICE.token));
    trackStream(events);
    const published = (await (
      await publish(server, { username: ALICE.username, notice_type: 2, title: 'Bob' })
    ).json()) as { id: string };
    const number = Number(published.id.replace('n-', ''));
    await events.waitFor(`"id":${number},`);

    const list = async () =>
      (await (
        await fetch(`${proxy!.url}/notification/comments?page=1&limit=10`, { headers: auth(ALICE.token) })
      ).json()) as {
        data: Array<{ id: unknown; read: unknown }>;
        unread_count: number;
      };
    expect((await list()).data.map(({ id, read }) => [id, read])).toEqual([[number, 0]]);

    const marked = await fetch(`${proxy.url}/notification/comments/read`, {
      method: 'POST',
      headers: { ...auth(ALICE.token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ ids: [number] }),
    });
    expect(marked.status).toBe(204);
    expect(proxy.markReads).toEqual([{ path: '/notification/comments/read', body: { ids: [number] } }]);
    expect(await list()).toMatchObject({ data: [{ id: number, read: 1 }], unread_count: 0 });
  });
});
