import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CATEGORIES, type Category } from '@/utils/protocol/categories';
import { FakeFetch, jsonResponse } from '../helpers/fake-fetch';
import { createHarness, makeSettings } from '../helpers/service-harness';

/**
 * A fake server with comment items; the test decides how each mark-read POST is answered. `sql`: ids as JSON numbers
 * and `read` as 0/1, as SQL-backed servers send them (issue #24 item 1).
 */
function inboxServer(comments: number, shapes: 'canonical' | 'sql' = 'canonical') {
  const server = new FakeFetch();
  const items = Array.from({ length: comments }, (_, i) => ({
    id: shapes === 'sql' ? i + 1 : (`c-${i + 1}` as string | number),
    notice_type: 2,
    title: `comment ${i + 1}`,
    content: 'body',
    url: `https://app.test/c/${i + 1}`,
    created_at: '2026-11-24T11:00:00Z',
    read: false,
  }));
  const posts: Array<{ path: string; contentType: string | undefined; body: unknown }> = [];
  let answerPost: () => Response | Promise<Response> = () => new Response(null, { status: 204 });
  server.route('/notification/me', () => jsonResponse(200, { username: 'alice', role: 'user' }));
  for (const category of CATEGORIES) {
    const list = category === 'comments' ? items : [];
    server.route(`/notification/${category}`, (url) => {
      const page = Number(url.searchParams.get('page'));
      const limit = Number(url.searchParams.get('limit'));
      const shown = list.slice((page - 1) * limit, page * limit);
      const data = shapes === 'sql' ? shown.map((item) => ({ ...item, read: item.read ? 1 : 0 })) : shown;
      const unread = list.filter((item) => !item.read).length;
      return jsonResponse(200, { data, unread_count: unread, page, limit, total: list.length });
    });
    server.route(`/notification/${category}/read`, async (url, init) => {
      const headers = init.headers as Record<string, string>;
      const body: unknown = JSON.parse(String(init.body));
      posts.push({ path: `${category}/read`, contentType: headers['Content-Type'], body });
      const response = await answerPost();
      if (response.ok) {
        const ids = (body as { ids?: Array<string | number> }).ids;
        for (const item of list) if (!ids || ids.includes(item.id)) item.read = true;
      }
      return response;
    });
  }
  return { server, items, posts, answerPostsWith: (answer: typeof answerPost) => void (answerPost = answer) };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

async function started(comments: number, shapes?: 'canonical' | 'sql') {
  const fake = inboxServer(comments, shapes);
  const h = createHarness(fake.server.fetch, makeSettings());
  await h.core.start();
  const stream = await fake.server.nextStream();
  await flush();
  return { ...fake, h, stream };
}

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-24T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe('inbox in the background', () => {
  it('pages a category through the background, ten at a time', async () => {
    const { h, server } = await started(12);
    const first = await h.core.getItems('main', 'comments', 1);
    expect(first.items.map((item) => item.id)).toEqual(Array.from({ length: 10 }, (_, i) => `c-${i + 1}`));
    expect(first).toMatchObject({ page: 1, hasMore: true });
    expect(first.items[0]).toEqual({
      id: 'c-1',
      title: 'comment 1',
      content: 'body',
      url: 'https://app.test/c/1',
      createdAt: '2026-11-24T11:00:00.000Z', // kept in one canonical form (protocol §7.5)
      read: false,
    });
    const second = await h.core.getItems('main', 'comments', 2);
    expect(second.items.map((item) => item.id)).toEqual(['c-11', 'c-12']);
    expect(second.hasMore).toBe(false);
    const last = server.requests.at(-1)!;
    expect(new URL(last.url).search).toBe('?page=2&limit=10');
    expect(last.headers.Authorization).toBe('Bearer secret-token-xyz');
  });

  it('mark read: the badge drops before the server answers, with {"ids": [...]} as JSON; the read event confirms', async () => {
    const { h, posts, answerPostsWith, stream } = await started(3);
    expect(h.badge()).toBe('3');
    let answer!: (response: Response) => void;
    answerPostsWith(() => new Promise<Response>((resolve) => (answer = resolve)));
    const marking = h.core.markItemsRead('main', 'comments', ['c-2']);
    await flush();
    expect(h.badge()).toBe('2'); // at once
    expect(posts).toEqual([{ path: 'comments/read', contentType: 'application/json', body: { ids: ['c-2'] } }]);
    answer(new Response(null, { status: 204 }));
    await marking;
    stream.push('id: x.2\ndata: {"notice_type":2,"unread_count":2,"kind":"read"}\n\n');
    await flush();
    expect(h.badge()).toBe('2');
    expect(h.notices).toEqual([]); // a read event raises no notification
  });

  it('a server with numeric ids and read as 0/1: its items are listed, and mark read sends the numbers back', async () => {
    const { h, posts, items } = await started(3, 'sql');
    expect(h.badge()).toBe('3');
    const page = await h.core.getItems('main', 'comments', 1);
    expect(page.items.map(({ id, read }) => [id, read])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(page.refusedItems ?? 0).toBe(0);
    expect(h.snapshot().diagnostics.refusedItems).toBe(0);
    await h.core.markItemsRead('main', 'comments', [page.items[1]!.id]);
    await flush();
    expect(posts).toEqual([{ path: 'comments/read', contentType: 'application/json', body: { ids: [2] } }]);
    expect(items.map((item) => item.read)).toEqual([false, true, false]);
    expect(h.badge()).toBe('2');
    expect((await h.core.getItems('main', 'comments', 1)).items.map((item) => item.read)).toEqual([false, true, false]);
  });

  it('a count answer whose data is one object gives the latest notice (the original web app read res.data so)', async () => {
    const server = new FakeFetch();
    server.route('/notification/me', () => jsonResponse(200, { username: 'alice', role: 'user' }));
    for (const category of CATEGORIES) {
      const data = category === 'system' ? { id: 9, title: 'Maintenance tonight', read: 0 } : [];
      server.route(`/notification/${category}`, () =>
        jsonResponse(200, { data, unread_count: category === 'system' ? 1 : 0 }),
      );
    }
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    await server.nextStream();
    await flush();
    expect(h.badge()).toBe('1');
    expect(h.snapshot().latest.system).toMatchObject({ id: 9, title: 'Maintenance tonight' });
  });

  it('mark read refused: the count comes back and the popup gets the error', async () => {
    const { h, answerPostsWith, items } = await started(3);
    answerPostsWith(() => jsonResponse(500, { error: 'database down' }));
    await expect(h.core.markItemsRead('main', 'comments', ['c-1'])).rejects.toThrow('HTTP 500');
    await flush();
    expect(h.badge()).toBe('3');
    expect(items.every((item) => !item.read)).toBe(true);
  });

  it('mark read with a revoked token signs out', async () => {
    const { h, answerPostsWith } = await started(1);
    answerPostsWith(() => jsonResponse(401, { error: 'token expired' }));
    await expect(h.core.markItemsRead('main', 'comments', ['c-1'])).rejects.toThrow('HTTP 401');
    expect(h.snapshot().connection.status).toBe('signed-out');
    expect(h.badge()).toBe('!');
  });

  it('a server that sends no read event: a refetch confirms the count', async () => {
    const { h, server } = await started(2);
    const before = server.countRequests('/notification/comments');
    await h.core.markItemsRead('main', 'comments', ['c-1', 'c-1']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.countRequests('/notification/comments')).toBeGreaterThan(before);
    expect(h.badge()).toBe('1');
  });

  it('mark all read sends an empty JSON object with its Content-Type', async () => {
    const { h, posts } = await started(2);
    await h.core.markRead('main', 'comments' satisfies Category);
    expect(posts).toEqual([{ path: 'comments/read', contentType: 'application/json', body: {} }]);
    expect(h.badge()).toBe('');
  });

  it('without a server there is nothing to list', async () => {
    const h = createHarness(new FakeFetch().fetch, makeSettings({ serverUrl: '' }));
    await h.core.start();
    await expect(h.core.getItems('main', 'likes', 1)).rejects.toThrow('Beacon has no account with the id "main"');
  });
});
