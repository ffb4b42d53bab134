import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { t } from '@/utils/labels/i18n';
import { realClock } from '@/utils/lib/clock';
import { BATCH_QUIET_MS, getNotificationId, OsNotifier } from '@/utils/notifications/os-notifier';
import type { Category } from '@/utils/protocol/categories';
import { DEFAULT_SETTINGS as DEFAULTS } from '@/utils/settings/settings';

/** The one account these tests announce with (the migrated account's id). */
const DEFAULT_SETTINGS = { ...DEFAULTS, id: 'main', label: '', serverUrl: 'https://notify.test' };
const getCategoryNotificationId = (category: Category) => getNotificationId(`cat-${category}`, 'main');
const SIGN_IN_NOTIFICATION_ID = getNotificationId('sign-in', 'main');
const SUMMARY_NOTIFICATION_ID = getNotificationId('summary', 'main');

/** Real timers (faked by vitest) and a clock that says noon, outside any quiet hours. */
const noon = { ...realClock, now: () => new Date(2026, 10, 24, 12, 0).getTime() };

beforeEach(() => {
  fakeBrowser.reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const CHROME = { silent: true, buttons: true };
const FIREFOX = { silent: false, buttons: false };

function notifier(features = CHROME) {
  const create = vi.spyOn(fakeBrowser.notifications, 'create');
  return { notifier: new OsNotifier(fakeBrowser.notifications, t, features, noon), create };
}

describe('OsNotifier', () => {
  it('shows a live notice with its title, content and category icon', async () => {
    const { notifier: n, create } = notifier();
    n.add(
      { category: 'comments', title: 'Bob commented', content: 'Nice!', url: 'https://app.test/c/1', catchUp: false },
      DEFAULT_SETTINGS,
    );
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]![1]).toEqual({
      type: 'basic',
      title: 'Bob commented',
      message: 'Nice!',
      iconUrl: '/notification-icons/comments.png',
      // No item id from the server: nothing to mark read, so only "Open".
      buttons: [{ title: 'Open' }],
    });
    const id = String(create.mock.calls[0]![0]);
    expect(await n.handleClick(id)).toEqual({
      account: 'main',
      target: { kind: 'url', url: 'https://app.test/c/1', category: 'comments' },
    });
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
  });

  it('summarises a burst in one notification that opens the app', async () => {
    const { notifier: n, create } = notifier();
    for (let i = 0; i < 12; i++)
      n.add(
        { category: i % 2 ? 'likes' : 'stars', title: `x${i}`, content: '', url: null, catchUp: false },
        DEFAULT_SETTINGS,
      );
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]![1]).toMatchObject({ title: '12 new notifications', message: 'Stars, Likes' });
    expect(await n.handleClick(String(create.mock.calls[0]![0]))).toEqual({
      account: 'main',
      target: { kind: 'category', category: null },
    });
  });

  it('keeps a flood as counts per category, not one object per event, and still summarises it exactly', async () => {
    const { notifier: n, create } = notifier();
    for (let i = 0; i < 10_000; i++)
      n.add(
        { category: i % 2 ? 'likes' : 'stars', title: `x${i}`, content: 'y'.repeat(200), url: null, catchUp: false },
        DEFAULT_SETTINGS,
      );
    n.add({ category: 'system', title: 'missed', content: '', url: null, catchUp: true, count: 5 }, DEFAULT_SETTINGS);
    const batch = (n as unknown as { batch: unknown[] }).batch;
    expect(batch.length).toBeLessThanOrEqual(6);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]![1]).toMatchObject({
      title: '10005 new notifications',
      message: 'Stars, Likes, System notices',
    });
  });

  it('drops notices of categories the user switched off before batching them', async () => {
    const { notifier: n, create } = notifier();
    const settings = { ...DEFAULT_SETTINGS, notify: { ...DEFAULT_SETTINGS.notify, likes: false } };
    for (let i = 0; i < 5; i++)
      n.add({ category: 'likes', title: `x${i}`, content: '', url: null, catchUp: false }, settings);
    n.add({ category: 'comments', title: 'Bob commented', content: '', url: null, catchUp: false }, settings);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]![1]).toMatchObject({ title: 'Bob commented' });
  });

  it('uses a generic text for a legacy event with nothing to show', async () => {
    const { notifier: n, create } = notifier();
    n.add({ category: 'system', title: '', content: '', url: null, catchUp: false }, DEFAULT_SETTINGS);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create.mock.calls[0]![1]).toMatchObject({ title: 'New: System notices', message: 'Click to read it.' });
  });

  it('is silent when sound is off, where the browser allows it', async () => {
    const chrome = notifier(CHROME);
    chrome.notifier.add(
      { category: 'likes', title: 'a', content: '', url: null, catchUp: false },
      { ...DEFAULT_SETTINGS, sound: false },
    );
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(chrome.create.mock.calls[0]![1]).toMatchObject({ silent: true });
    chrome.create.mockClear();
    const firefox = new OsNotifier(fakeBrowser.notifications, t, FIREFOX, noon);
    firefox.add(
      { category: 'likes', title: 'a', content: '', url: null, catchUp: false },
      { ...DEFAULT_SETTINGS, sound: false },
    );
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(chrome.create.mock.calls[0]![1]).not.toHaveProperty('silent');
  });

  it('invites to sign in once, leads to the settings, and clearAll removes everything', async () => {
    const { notifier: n } = notifier();
    await n.showSignIn(DEFAULT_SETTINGS);
    n.add({ category: 'likes', title: 'a', content: '', url: null, catchUp: false }, DEFAULT_SETTINGS);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toHaveLength(2);
    expect(await n.handleClick(SIGN_IN_NOTIFICATION_ID)).toEqual({ account: 'main', target: { kind: 'settings' } });
    await n.clearAll();
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
    expect(await n.handleClick('other-extension-id')).toBeNull();
  });

  it('keeps one notification per category: a new notice replaces the last one of its category', async () => {
    const { notifier: n, create } = notifier();
    const comment = (title: string) => ({
      category: 'comments' as const,
      title,
      content: '',
      url: null,
      catchUp: false,
    });
    n.add(comment('first'), DEFAULT_SETTINGS);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    n.add(comment('second'), DEFAULT_SETTINGS);
    n.add({ category: 'likes', title: 'a like', content: '', url: null, catchUp: false }, DEFAULT_SETTINGS);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create.mock.calls.map(([id]) => id)).toEqual([
      getCategoryNotificationId('comments'),
      getCategoryNotificationId('comments'),
      getCategoryNotificationId('likes'),
    ]);
    expect(create.mock.calls[1]![1]).toMatchObject({ title: 'second' });
    expect(Object.keys(await fakeBrowser.notifications.getAll()).sort()).toEqual([
      'beacon-cat-comments@main',
      'beacon-cat-likes@main',
    ]);
  });

  it('has "Open" and "Mark read" buttons in Chrome for an item with an id; none in Firefox', async () => {
    const notice = { category: 'comments' as const, id: 'c-9', title: 'Bob', content: '', url: null, catchUp: false };
    const chrome = notifier(CHROME);
    chrome.notifier.add(notice, DEFAULT_SETTINGS);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(chrome.create.mock.calls[0]![1]).toMatchObject({ buttons: [{ title: 'Open' }, { title: 'Mark read' }] });
    chrome.create.mockClear();
    const firefox = new OsNotifier(fakeBrowser.notifications, t, FIREFOX, noon);
    firefox.add(notice, DEFAULT_SETTINGS);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(chrome.create.mock.calls[0]![1]).not.toHaveProperty('buttons');
    // Firefox: a click on the notification itself opens the item's category (no URL here).
    expect(await firefox.handleClick('beacon-cat-comments@main')).toEqual({
      account: 'main',
      target: { kind: 'category', category: 'comments' },
    });
  });

  it('a summary has no buttons and keeps one id, replaced by the next summary', async () => {
    const { notifier: n, create } = notifier();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++)
        n.add({ category: 'likes', id: `l${i}`, title: 'x', content: '', url: null, catchUp: false }, DEFAULT_SETTINGS);
      await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    }
    expect(create.mock.calls.map(([id]) => id)).toEqual([SUMMARY_NOTIFICATION_ID, SUMMARY_NOTIFICATION_ID]);
    expect(create.mock.calls[0]![1]).not.toHaveProperty('buttons');
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual([SUMMARY_NOTIFICATION_ID]);
  });

  it('routes button clicks: 0 opens like a click, 1 marks the item read; both clear the notification', async () => {
    const { notifier: n } = notifier();
    const add = (id: string) =>
      n.add(
        { category: 'comments', id, title: 'Bob', content: '', url: 'https://app.test/c/1', catchUp: false },
        DEFAULT_SETTINGS,
      );
    add('c-1');
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    const id = getCategoryNotificationId('comments');
    expect(await n.handleButtonClick(id, 0)).toEqual({
      account: 'main',
      kind: 'open',
      target: { kind: 'url', url: 'https://app.test/c/1', category: 'comments' },
    });
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
    add('c-2');
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(await n.handleButtonClick(id, 1)).toEqual({
      account: 'main',
      kind: 'mark-read',
      category: 'comments',
      id: 'c-2',
    });
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
    expect(await n.handleButtonClick('other-extension-id', 0)).toBeNull();
  });

  it('says honestly when an action failed', async () => {
    const { notifier: n, create } = notifier();
    await n.showActionFailed('main', 'HTTP 500');
    expect(create.mock.calls[0]![1]).toMatchObject({
      title: 'Beacon could not mark it read',
      message: 'That did not work: HTTP 500',
    });
  });
});

describe('OsNotifier with several accounts', () => {
  const WORK = { ...DEFAULT_SETTINGS, id: 'work', label: 'Work', serverUrl: 'https://a.test' };
  const HOME = { ...DEFAULT_SETTINGS, id: 'home', label: '', serverUrl: 'https://b.test:8443' };
  const like = (title: string) => ({ category: 'likes' as const, title, content: '', url: null, catchUp: false });

  it('names the account in the title, keeps one notification per account and category, and clicks act on it', async () => {
    const { notifier: n, create } = notifier();
    n.add(like('Ann liked'), WORK, true);
    n.add(like('Bob liked'), HOME, true);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create.mock.calls.map(([id, options]) => [id, (options as unknown as { title: string }).title])).toEqual([
      ['beacon-cat-likes@work', 'Work: Ann liked'],
      ['beacon-cat-likes@home', 'b.test:8443: Bob liked'],
    ]);
    expect(await n.handleClick('beacon-cat-likes@home')).toEqual({
      account: 'home',
      target: { kind: 'category', category: 'likes' },
    });
    // A worker that restarted forgot what it showed: the id still says whose notification it was.
    expect(await n.handleClick('beacon-summary@work')).toEqual({
      account: 'work',
      target: { kind: 'category', category: null },
    });
  });

  it('a flood on one account is its own summary: the other account’s single notice stays a single', async () => {
    const { notifier: n, create } = notifier();
    for (let i = 0; i < 8; i++) n.add(like(`x${i}`), WORK, true);
    n.add(like('Bob liked'), HOME, true);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(create.mock.calls.map(([id, options]) => [id, (options as unknown as { title: string }).title])).toEqual([
      ['beacon-summary@work', 'Work: 8 new notifications'],
      ['beacon-cat-likes@home', 'b.test:8443: Bob liked'],
    ]);
  });

  it('clearing one account removes its notifications and pending notices only', async () => {
    const { notifier: n, create } = notifier();
    n.add(like('Ann liked'), WORK, true);
    n.add(like('Bob liked'), HOME, true);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    await n.showSignIn(WORK, true);
    n.add(like('pending'), WORK, true);
    await n.clearAccount('work');
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual(['beacon-cat-likes@home']);
    expect(create.mock.calls.map(([, options]) => (options as unknown as { title: string }).title)).not.toContain(
      'Work: pending',
    );
  });
});
