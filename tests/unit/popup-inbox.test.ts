import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { normalizeInboxCache, type InboxItem, type ItemPage } from '@/utils/snapshot/inbox-item';
import { mountPopup, snapshotWith, type FakeClient, type Mounted } from '../helpers/popup-fixture';
import { useLocale } from '../setup';

const item = (n: number, change: Partial<InboxItem> = {}): InboxItem => ({
  id: `n-${n}`,
  title: `Comment ${n}`,
  content: `Body of\n comment ${n}`,
  url: `https://app.test/c/${n}`,
  createdAt: new Date(Date.now() - n * 60_000).toISOString(),
  read: false,
  ...change,
});

const page = (items: InboxItem[], change: Partial<ItemPage> = {}): ItemPage => ({
  items,
  page: 1,
  hasMore: false,
  ...change,
});

/** A promise the test settles by hand, to look at the popup while a request is in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const withItems = (pages: ItemPage[]) => (client: FakeClient) => {
  for (const answer of pages) vi.mocked(client.getItems).mockResolvedValueOnce(answer);
};

const itemTitles = (wrapper: Mounted['wrapper']) =>
  wrapper.findAll('[data-test=item] .item__title').map((title) => title.text());

async function expand({ wrapper }: Mounted, category = 'comments') {
  await wrapper.get(`li[data-category=${category}] [data-test=toggle]`).trigger('click');
  await flushPromises();
}

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('popup inbox', () => {
  it('collapsed: no list and no request until a row is expanded', async () => {
    const popup = await mountPopup(snapshotWith({}, { comments: 2 }));
    expect(popup.wrapper.find('[data-test=inbox]').exists()).toBe(false);
    expect(popup.client.getItems).not.toHaveBeenCalled();
  });

  it('loading: a skeleton while the background fetches the first page', async () => {
    const answer = deferred<ItemPage>();
    const popup = await mountPopup(snapshotWith({}, { comments: 1 }), undefined, {
      setup: (client) => vi.mocked(client.getItems).mockReturnValueOnce(answer.promise),
    });
    await expand(popup);
    const toggle = popup.wrapper.get('li[data-category=comments] [data-test=toggle]');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(popup.wrapper.get('[data-test=inbox-skeleton]').attributes('role')).toBe('progressbar');
    expect(popup.client.getItems).toHaveBeenCalledWith('main', 'comments', 1);
    answer.resolve(page([item(1)]));
    await flushPromises();
    expect(popup.wrapper.find('[data-test=inbox-skeleton]').exists()).toBe(false);
    expect(itemTitles(popup.wrapper)).toEqual(['Unread Comment 1']);
  });

  it('list: title, plain-text excerpt, relative time, unread marker; opening goes through the one URL opener', async () => {
    const hostile = item(2, { title: '<b>bold</b>', content: '<img src=x onerror=alert(1)>', read: true, url: null });
    const popup = await mountPopup(snapshotWith({}, { comments: 1 }), undefined, {
      setup: withItems([page([item(1), hostile])]),
    });
    await expand(popup);
    const [first, second] = popup.wrapper.findAll('[data-test=item]');
    expect(first!.find('[data-test=unread-marker]').exists()).toBe(true);
    expect(first!.get('.item__excerpt').text()).toBe('Body of comment 1');
    expect(first!.get('time').text()).toBe('1 minute ago');
    expect(second!.find('[data-test=unread-marker]').exists()).toBe(false);
    expect(second!.find('[data-test=item-mark-read]').exists()).toBe(false);
    expect(second!.text()).toContain('<b>bold</b>');
    expect(second!.find('img').exists()).toBe(false);
    await first!.get('[data-test=item-open]').trigger('click');
    expect(popup.client.open).toHaveBeenCalledWith('main', {
      kind: 'url',
      url: 'https://app.test/c/1',
      category: 'comments',
    });
    // No URL: the category's page in the web app.
    await second!.get('[data-test=item-open]').trigger('click');
    expect(popup.client.open).toHaveBeenLastCalledWith('main', { kind: 'category', category: 'comments' });
    await popup.wrapper.get('[data-test=open-category]').trigger('click');
    expect(popup.client.open).toHaveBeenCalledTimes(3);
    expect(popup.client.open).toHaveBeenLastCalledWith('main', { kind: 'category', category: 'comments' });
  });

  it('empty: says so', async () => {
    const popup = await mountPopup(snapshotWith());
    await expand(popup, 'stars');
    expect(popup.wrapper.get('[data-test=inbox-empty]').text()).toBe('Nothing here yet.');
    expect(popup.wrapper.find('[data-test=show-more]').exists()).toBe(false);
  });

  it('error: the reason, and Try again loads it', async () => {
    const popup = await mountPopup(snapshotWith({}, { comments: 1 }), undefined, {
      setup: (client) => vi.mocked(client.getItems).mockRejectedValueOnce(new Error('HTTP 503: maintenance')),
    });
    await expand(popup);
    expect(popup.wrapper.get('[data-test=inbox-error]').text()).toContain(
      'Could not load the items: HTTP 503: maintenance',
    );
    vi.mocked(popup.client.getItems).mockResolvedValueOnce(page([item(1)]));
    await popup.wrapper.get('[data-test=inbox-error] button').trigger('click');
    await flushPromises();
    expect(itemTitles(popup.wrapper)).toEqual(['Unread Comment 1']);
  });

  it('more pages: Show more appends the next page without repeating items', async () => {
    const first = Array.from({ length: 10 }, (_, i) => item(i + 1));
    const popup = await mountPopup(snapshotWith({}, { comments: 12 }), undefined, {
      // A new item arrived between the pages, so item 10 is on page 2 as well.
      setup: withItems([page(first, { hasMore: true }), page([item(10), item(11), item(12)], { page: 2 })]),
    });
    await expand(popup);
    expect(itemTitles(popup.wrapper)).toHaveLength(10);
    await popup.wrapper.get('[data-test=show-more]').trigger('click');
    await flushPromises();
    expect(popup.client.getItems).toHaveBeenLastCalledWith('main', 'comments', 2);
    expect(itemTitles(popup.wrapper)).toHaveLength(12);
    expect(itemTitles(popup.wrapper).at(-1)).toBe('Unread Comment 12');
    expect(popup.wrapper.find('[data-test=show-more]').exists()).toBe(false);
  });

  it('marking: the row drops its unread marker at once, and stays read when the background confirms', async () => {
    const request = deferred<void>();
    const popup = await mountPopup(snapshotWith({}, { comments: 2 }), undefined, {
      setup: (client) => {
        withItems([page([item(1), item(2)])])(client);
        vi.mocked(client.markItemsRead).mockReturnValueOnce(request.promise);
      },
    });
    await expand(popup);
    await popup.wrapper.get('[data-item=n-1] [data-test=item-mark-read]').trigger('click');
    expect(popup.client.markItemsRead).toHaveBeenCalledWith('main', 'comments', ['n-1']);
    const row = popup.wrapper.get('[data-item=n-1]');
    expect(row.find('[data-test=unread-marker]').exists()).toBe(false);
    expect(row.get('[data-test=marking]').text()).toBe('Marking…');
    request.resolve();
    await flushPromises();
    expect(row.find('[data-test=marking]').exists()).toBe(false);
    expect(row.find('[data-test=item-mark-read]').exists()).toBe(false);
    expect(popup.wrapper.get('[data-item=n-2]').find('[data-test=unread-marker]').exists()).toBe(true);
    const saved = vi.mocked(popup.client.saveInboxCache).mock.lastCall![0];
    expect(saved.accounts.main!.accountKey).toBe('https://notify.test|token|');
    expect(saved.accounts.main!.lists.comments).toEqual({
      items: expect.any(Array),
      page: 1,
      hasMore: false,
      loadedAt: expect.any(Number),
    });
    expect(saved.accounts.main!.lists.comments!.items.map(({ id, read }) => [id, read])).toEqual([
      ['n-1', true],
      ['n-2', false],
    ]);
  });

  it('rolled back: a refused mark read makes the item unread again, with a visible message', async () => {
    const popup = await mountPopup(snapshotWith({}, { comments: 1 }), undefined, {
      setup: (client) => {
        withItems([page([item(1)])])(client);
        vi.mocked(client.markItemsRead).mockRejectedValueOnce(new Error('HTTP 500: boom'));
      },
    });
    await expand(popup);
    await popup.wrapper.get('[data-test=item-mark-read]').trigger('click');
    await flushPromises();
    expect(popup.wrapper.get('[data-item=n-1]').find('[data-test=unread-marker]').exists()).toBe(true);
    expect(popup.wrapper.get('[data-test=rolled-back]').text()).toBe(
      'Could not mark it read, so it is unread again: HTTP 500: boom',
    );
  });

  it('a reopened popup shows the cached list at once, then refreshes it; another account’s cache is ignored', async () => {
    // As a single-account version stored it: read back as the migrated account's ('main').
    const cache = normalizeInboxCache({
      accountKey: 'https://notify.test|token|',
      lists: { comments: { items: [item(1)], page: 1, hasMore: false, loadedAt: 0 } },
    });
    const answer = deferred<ItemPage>();
    const popup = await mountPopup(snapshotWith({}, { comments: 2 }), undefined, {
      cache,
      setup: (client) => vi.mocked(client.getItems).mockReturnValueOnce(answer.promise),
    });
    await expand(popup);
    expect(popup.wrapper.find('[data-test=inbox-skeleton]').exists()).toBe(false);
    expect(itemTitles(popup.wrapper)).toEqual(['Unread Comment 1']);
    answer.resolve(page([item(0), item(1)]));
    await flushPromises();
    expect(itemTitles(popup.wrapper)).toEqual(['Unread Comment 0', 'Unread Comment 1']);

    const other = await mountPopup(snapshotWith({ accountKey: 'https://other.test|token|' }), undefined, { cache });
    vi.mocked(other.client.getItems).mockReturnValueOnce(new Promise(() => {}));
    await expand(other);
    expect(other.wrapper.find('[data-test=inbox-skeleton]').exists()).toBe(true);
  });

  it('follows a count that rose while expanded, and collapses on a second click', async () => {
    const popup = await mountPopup(snapshotWith({}, { comments: 1 }), undefined, {
      setup: withItems([page([item(1)]), page([item(0), item(1)])]),
    });
    await expand(popup);
    popup.client.push(snapshotWith({}, { comments: 2 }));
    await flushPromises();
    expect(itemTitles(popup.wrapper)).toEqual(['Unread Comment 0', 'Unread Comment 1']);
    await expand(popup);
    expect(popup.wrapper.find('[data-test=inbox]').exists()).toBe(false);
  });

  it('keyboard: arrows move between rows and items, Enter expands; zh_CN strings', async () => {
    useLocale('zh_CN');
    const popup = await mountPopup(snapshotWith({}, { comments: 1 }), undefined, {
      setup: withItems([page([item(1)])]),
    });
    const toggles = popup.wrapper.findAll<HTMLButtonElement>('[data-test=toggle]');
    toggles[0]!.element.focus();
    const key = async (name: string) => {
      await popup.wrapper.get('ul.rows').trigger('keydown', { key: name });
      return (document.activeElement as HTMLElement).closest('li[data-category]')?.getAttribute('data-category');
    };
    expect(await key('ArrowDown')).toBe('stars');
    expect(await key('ArrowDown')).toBe('comments');
    expect(await key('End')).toBe('manager');
    expect(await key('Home')).toBe('likes');
    await key('ArrowDown');
    await key('ArrowDown');
    (document.activeElement as HTMLButtonElement).click(); // Enter on a button is a click
    await flushPromises();
    expect(await key('ArrowDown')).toBe('comments');
    expect(document.activeElement?.getAttribute('data-test')).toBe('item-open');
    expect(popup.wrapper.get('[data-test=item-mark-read]').text()).toBe('标为已读');
    expect(popup.wrapper.get('[data-test=open-category]').text()).toBe('在网页应用中打开评论');
  });

  it('numeric ids: 42 and "42" are two rows; each marks only itself, sent back in its own type; a cached list keeps them', async () => {
    // What inbox-cache-storage hands a reopened popup: the stored cache, read back through its checks.
    const cache = normalizeInboxCache({
      accountKey: 'https://notify.test|token|',
      lists: {
        comments: { items: [item(1, { id: 42 }), item(2, { id: '42' })], page: 1, hasMore: false, loadedAt: 1 },
      },
    });
    const refreshed = deferred<ItemPage>();
    const popup = await mountPopup(snapshotWith({}, { comments: 2 }), undefined, {
      cache,
      setup: (client) => {
        vi.mocked(client.getItems).mockReturnValueOnce(refreshed.promise);
        vi.mocked(client.markItemsRead).mockResolvedValueOnce().mockRejectedValueOnce(new Error('HTTP 500: boom'));
      },
    });
    await expand(popup);
    expect(itemTitles(popup.wrapper)).toEqual(['Unread Comment 1', 'Unread Comment 2']);
    refreshed.resolve(page([item(1, { id: 42 }), item(2, { id: '42' })]));
    await flushPromises();
    const rows = () => popup.wrapper.findAll('[data-test=item]');
    const unread = () => rows().map((row) => row.find('[data-test=unread-marker]').exists());

    await rows()[0]!.get('[data-test=item-mark-read]').trigger('click');
    await flushPromises();
    expect(popup.client.markItemsRead).toHaveBeenLastCalledWith('main', 'comments', [42]);
    expect(unread()).toEqual([false, true]);

    await rows()[1]!.get('[data-test=item-mark-read]').trigger('click');
    await flushPromises();
    expect(popup.client.markItemsRead).toHaveBeenLastCalledWith('main', 'comments', ['42']);
    expect(unread()).toEqual([false, true]); // refused: "42" is unread again, 42 stays read
    expect(popup.wrapper.get('[data-test=rolled-back]').text()).toContain('HTTP 500: boom');
    const saved = vi.mocked(popup.client.saveInboxCache).mock.lastCall![0];
    expect(saved.accounts.main!.lists.comments!.items.map(({ id, read }) => [id, read])).toEqual([
      [42, true],
      ['42', false],
    ]);
  });
});
