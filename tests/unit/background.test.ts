/**
 * The background entrypoint's wiring, with fakeBrowser: settings to badge, notification clicks to tabs, first
 * install to the options page. (Real-browser behaviour is in tests/e2e.)
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SERVER, badgeText, startBackground as startFixture } from '../helpers/background-fixture';
import { jsonResponse, type FakeFetch } from '../helpers/fake-fetch';

let server: FakeFetch;
const openOptionsPage = vi.fn(async () => {});
const startBackground = async () => void (server = await startFixture(openOptionsPage));
// The entrypoint's first storage reads and fetches can take over a second on a loaded machine (vi.waitFor waits 1 s).
const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 5000 });

beforeEach(() => {
  fakeBrowser.reset();
  openOptionsPage.mockClear();
});
afterAll(() => vi.unstubAllGlobals());

describe('background entrypoint', () => {
  it('connects with stored settings and shows the count on the badge', async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, authMethod: 'token', token: 'tok-tok-tok' } });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    expect(server.requests[0]!.headers.Authorization).toBe('Bearer tok-tok-tok');
    expect(await fakeBrowser.alarms.get('beacon-watchdog')).toMatchObject({ periodInMinutes: 0.5 });
  });

  it('reconnects when settings are saved, and goes back to unconfigured when they are cleared', async () => {
    await startBackground();
    await waitFor(async () => expect(await fakeBrowser.action.getTitle({})).toContain('not set up'));
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, token: 'tok-tok-tok' } });
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    await fakeBrowser.storage.local.set({ settings: { serverUrl: '' } });
    await waitFor(async () => expect(await fakeBrowser.action.getTitle({})).toContain('not set up'));
    expect(await badgeText()).toBe('');
  });

  it('opens the item URL on a notification click, focusing a tab of the app that is already open', async () => {
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: SERVER, token: 'tok-tok-tok', appUrl: 'https://app.test/inbox/{category}' },
    });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    const stream = server.streams[0]!;
    stream.push(
      'id: 1\ndata: {"notice_type":2,"unread_count":1,"title":"Bob commented","url":"https://app.test/c/9"}\n\n',
    );
    const created = await waitFor(async () => {
      const ids = Object.keys(await fakeBrowser.notifications.getAll());
      expect(ids).toHaveLength(1);
      return ids[0]!;
    });
    const existing = await fakeBrowser.tabs.create({ url: 'https://app.test/home', active: false });
    // fakeBrowser compares `url` literally; browsers read it as a match pattern (`https://app.test/*`).
    const allTabs = await fakeBrowser.tabs.query({});
    vi.spyOn(fakeBrowser.tabs, 'query').mockImplementation(async ({ url }) =>
      allTabs.filter((tab) => typeof url === 'string' && tab.url?.startsWith(url.replace(/\*$/, ''))),
    );
    const update = vi.spyOn(fakeBrowser.tabs, 'update');
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    await fakeBrowser.notifications.onClicked.trigger(created);
    await waitFor(() =>
      expect(update).toHaveBeenCalledWith(existing.id, { active: true, url: 'https://app.test/c/9' }),
    );
    expect(create).not.toHaveBeenCalled();
    expect(await fakeBrowser.notifications.getAll()).toEqual({});

    // A summary has no item: it opens the app page, in a new tab when none of the app is open.
    allTabs.length = 0;
    for (let i = 2; i < 8; i++) stream.push(`id: ${i}\ndata: {"notice_type":0,"unread_count":${i},"title":"like"}\n\n`);
    const summary = await waitFor(async () => {
      const ids = Object.keys(await fakeBrowser.notifications.getAll());
      expect(ids).toHaveLength(1);
      return ids[0]!;
    });
    expect(summary).toBe('beacon-summary@main');
    await fakeBrowser.notifications.onClicked.trigger(summary);
    await waitFor(() => expect(create).toHaveBeenCalledWith({ url: 'https://app.test/inbox/' }));
  });

  it("opens what the popup asks only through the one URL rule, with the policy's app URL", async () => {
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: SERVER, token: 'tok-tok-tok', appUrl: 'https://mine.test/{category}' },
    });
    await fakeBrowser.storage.managed.set({ appUrl: 'https://corp.test/inbox/{category}' });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    // What the popup's sendMessage('openPage', target) delivers (@webext-core/messaging's message format).
    const ask = (data: unknown) =>
      new Promise((resolve) =>
        fakeBrowser.runtime.onMessage.trigger({ id: 1, type: 'openPage', data, timestamp: Date.now() }, {}, resolve),
      );
    // Every page is opened for an account: the migrated one ('main') here.
    const opened = async (data: object, account: unknown = 'main') => {
      create.mockClear();
      await ask({ account, ...data });
      return create.mock.calls.map(([properties]) => properties.url);
    };
    expect(await opened({ kind: 'url', url: 'https://evil.example/phish', category: 'comments' })).toEqual([
      'https://corp.test/inbox/comments',
    ]);
    expect(await opened({ kind: 'url', url: 'https://corp.test/c/1', category: 'comments' })).toEqual([
      'https://corp.test/c/1',
    ]);
    // The user's own app URL gave way to the policy's: its origin is no longer the web app's.
    expect(await opened({ kind: 'url', url: 'https://mine.test/c/1', category: 'likes' })).toEqual([
      'https://corp.test/inbox/likes',
    ]);
    expect(await opened({ kind: 'category', category: null })).toEqual(['https://corp.test/inbox/']);
    expect(await opened({ kind: 'url', url: 'https://corp.test/x', category: '../../evil' })).toEqual([]);
    expect(await opened({ kind: 'tab', url: 'https://evil.example/' })).toEqual([]);
    // An account Beacon does not hold opens nothing.
    expect(await opened({ kind: 'category', category: null }, 'removed-account')).toEqual([]);
    expect(await opened({ kind: 'category', category: null }, null)).toEqual([]);
  });

  it('"Mark read" on a notification marks its item read on the server and drops the badge at once', async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, token: 'tok-tok-tok' } });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    let answer!: () => void;
    const bodies: unknown[] = [];
    server.route('/notification/comments/read', async (_url, init) => {
      bodies.push(JSON.parse(String(init.body)));
      await new Promise<void>((resolve) => (answer = resolve));
      return jsonResponse(200, { unread_count: 0 });
    });
    server.streams[0]!.push(
      'id: 1\ndata: {"notice_type":2,"unread_count":1,"id":"c-9","title":"Bob commented","url":"https://x.test/"}\n\n',
    );
    await waitFor(async () => expect(await badgeText()).toBe('5'));
    await waitFor(async () =>
      expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual(['beacon-cat-comments@main']),
    );
    const tabs = vi.spyOn(fakeBrowser.tabs, 'create');
    await fakeBrowser.notifications.onButtonClicked.trigger('beacon-cat-comments@main', 1);
    // Optimistic: the badge drops while the request is still on its way.
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    expect(bodies).toEqual([{ ids: ['c-9'] }]);
    answer();
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
    expect(tabs).not.toHaveBeenCalled();
  });

  it('an event whose item id is a JSON number: the notification\'s "Mark read" sends that number back', async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, token: 'tok-tok-tok' } });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    const bodies: unknown[] = [];
    server.route('/notification/comments/read', (_url, init) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response(null, { status: 204 });
    });
    server.streams[0]!.push('id: 1\ndata: {"notice_type":2,"unread_count":1,"id":42,"title":"Bob commented"}\n\n');
    await waitFor(async () => expect(await badgeText()).toBe('5'));
    await waitFor(async () =>
      expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual(['beacon-cat-comments@main']),
    );
    await fakeBrowser.notifications.onButtonClicked.trigger('beacon-cat-comments@main', 1);
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    expect(bodies).toEqual([{ ids: [42] }]);
  });

  it('a refused "Mark read" puts the count back and says so in a notification', async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, token: 'tok-tok-tok' } });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    server.route('/notification/comments/read', () => jsonResponse(500, { error: 'database down' }));
    // The refetch after the failure finds the item still unread.
    server.route('/notification/comments', () => jsonResponse(200, { data: [], unread_count: 1 }));
    server.streams[0]!.push('id: 1\ndata: {"notice_type":2,"unread_count":1,"id":"c-9","title":"Bob"}\n\n');
    await waitFor(async () =>
      expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual(['beacon-cat-comments@main']),
    );
    await fakeBrowser.notifications.onButtonClicked.trigger('beacon-cat-comments@main', 1);
    await waitFor(async () =>
      expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual(['beacon-action-failed@main']),
    );
    await waitFor(async () => expect(await badgeText()).toBe('5'));
  });

  it('opens the options page on first install when nothing is set up', async () => {
    await startBackground();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' });
    await waitFor(() => expect(openOptionsPage).toHaveBeenCalledTimes(1));
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.0.9' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(openOptionsPage).toHaveBeenCalledTimes(1);
  });

  it('snoozed: the badge counts but no notification is raised; the alarm ends the snooze on time', async () => {
    const until = Date.now() + 400;
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: SERVER, token: 'tok-tok-tok' },
      snooze: { until },
    });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    expect(await fakeBrowser.alarms.get('beacon-snooze-end')).toMatchObject({ scheduledTime: until });
    expect(await fakeBrowser.action.getTitle({})).toMatch(/^Beacon — Live\nSnoozed until \S.*\nLikes: 4\n/);
    const stream = server.streams[0]!;
    stream.push('id: 1\ndata: {"notice_type":2,"unread_count":1,"title":"Bob commented"}\n\n');
    await waitFor(async () => expect(await badgeText()).toBe('5'));
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the notifier's batching and the snooze's end
    expect(await fakeBrowser.notifications.getAll()).toEqual({});

    // The alarm fires (it also wakes a stopped worker): the snooze is over and says so nowhere any more.
    await fakeBrowser.alarms.onAlarm.trigger({
      name: 'beacon-snooze-end',
      scheduledTime: until,
      persistAcrossSessions: true,
    });
    await waitFor(async () => expect((await fakeBrowser.storage.local.get('snooze')).snooze ?? null).toBeNull());
    await waitFor(async () => expect(await fakeBrowser.action.getTitle({})).not.toContain('Snoozed'));
    stream.push('id: 2\ndata: {"notice_type":2,"unread_count":2,"title":"Ann commented"}\n\n');
    await waitFor(async () => expect(Object.keys(await fakeBrowser.notifications.getAll())).toHaveLength(1));
  });

  it('a snooze that ended while the browser was closed is cleared on start; "until turned back on" has no end', async () => {
    await fakeBrowser.storage.local.set({ snooze: { until: Date.now() - 1000 } });
    await startBackground();
    await waitFor(async () => expect((await fakeBrowser.storage.local.get('snooze')).snooze ?? null).toBeNull());
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: SERVER, token: 'tok-tok-tok' },
      snooze: { until: null },
    });
    await waitFor(async () =>
      expect(await fakeBrowser.action.getTitle({})).toContain('Snoozed until you turn notifications back on'),
    );
    expect(await fakeBrowser.alarms.get('beacon-snooze-end')).toBeUndefined();
  });

  it('connects without waiting for a slow policy read, and follows the policy once the browser answers', async () => {
    // Chromium's first storage.managed read after a browser start takes about 3 s (utils/settings/policy-source.ts).
    let answerPolicy!: (value: Record<string, unknown>) => void;
    const slowPolicy = new Promise<Record<string, unknown>>((resolve) => (answerPolicy = resolve));
    const managedGet = vi.spyOn(fakeBrowser.storage.managed, 'get').mockReturnValue(slowPolicy as never);
    const POLICY_SERVER = 'http://localhost:9999';
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: SERVER, authMethod: 'token', token: 'tok-tok-tok' },
      lastPolicy: { notify: 'not a policy field' },
    });
    await startBackground();
    await waitFor(async () => expect(await badgeText()).toBe('4'));
    expect(server.requests.every((r) => r.url.startsWith(SERVER))).toBe(true);
    answerPolicy({ serverUrl: POLICY_SERVER });
    await waitFor(() => expect(server.requests.some((r) => r.url.startsWith(POLICY_SERVER))).toBe(true));
    // Kept as Beacon parsed it (accounts-policy.ts): the single-account fields lock the account `main`.
    expect(await fakeBrowser.storage.local.get('lastPolicy')).toEqual({
      lastPolicy: { main: { serverUrl: POLICY_SERVER }, accounts: [], allowAddingAccounts: true },
    });
    managedGet.mockRestore();
  });
});
