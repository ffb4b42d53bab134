import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { t } from '@/utils/labels/i18n';
import { realClock } from '@/utils/lib/clock';
import { BATCH_QUIET_MS, OsNotifier, SIGN_IN_NOTIFICATION_ID } from '@/utils/notifications/os-notifier';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';

/** Real timers (faked by vitest) and a clock that says noon, outside any quiet hours. */
const noon = { ...realClock, now: () => new Date(2026, 10, 24, 12, 0).getTime() };

beforeEach(() => {
  fakeBrowser.reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

function notifier(canSilence = true) {
  const create = vi.spyOn(fakeBrowser.notifications, 'create');
  return { notifier: new OsNotifier(fakeBrowser.notifications, t, canSilence, noon), create };
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
    });
    const id = String(create.mock.calls[0]![0]);
    expect(await n.handleClick(id)).toEqual({ kind: 'url', url: 'https://app.test/c/1', category: 'comments' });
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
    expect(await n.handleClick(String(create.mock.calls[0]![0]))).toEqual({ kind: 'category', category: null });
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
    const chrome = notifier(true);
    chrome.notifier.add(
      { category: 'likes', title: 'a', content: '', url: null, catchUp: false },
      { ...DEFAULT_SETTINGS, sound: false },
    );
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(chrome.create.mock.calls[0]![1]).toMatchObject({ silent: true });
    chrome.create.mockClear();
    const firefox = new OsNotifier(fakeBrowser.notifications, t, false, noon);
    firefox.add(
      { category: 'likes', title: 'a', content: '', url: null, catchUp: false },
      { ...DEFAULT_SETTINGS, sound: false },
    );
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(chrome.create.mock.calls[0]![1]).not.toHaveProperty('silent');
  });

  it('invites to sign in once, leads to the settings, and clearAll removes everything', async () => {
    const { notifier: n } = notifier();
    await n.showSignIn();
    n.add({ category: 'likes', title: 'a', content: '', url: null, catchUp: false }, DEFAULT_SETTINGS);
    await vi.advanceTimersByTimeAsync(BATCH_QUIET_MS);
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toHaveLength(2);
    expect(await n.handleClick(SIGN_IN_NOTIFICATION_ID)).toEqual({ kind: 'settings' });
    await n.clearAll();
    expect(await fakeBrowser.notifications.getAll()).toEqual({});
    expect(await n.handleClick('other-extension-id')).toBeNull();
  });
});
