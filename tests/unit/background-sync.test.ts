/**
 * The background entrypoint with preferences in `storage.sync`: a change arriving from another browser, or a
 * settings value rewritten by another context's migration, applies without reconnecting the stream.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';
import { SERVER, badgeText, startBackground } from '../helpers/background-fixture';

const notificationIds = async () => Object.keys(await fakeBrowser.notifications.getAll());
/** Past the notifier's batching (400 ms). */
const pastBatching = () => new Promise((resolve) => setTimeout(resolve, 600));

beforeEach(() => fakeBrowser.reset());
afterAll(() => vi.unstubAllGlobals());

describe('background with synced preferences', () => {
  it('applies preferences synced from another browser at once, on the open stream', async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, token: 'tok-tok-tok' } });
    const server = await startBackground();
    await vi.waitFor(async () => expect(await badgeText()).toBe('4'));
    const stream = server.streams[0]!;

    // Another browser of the user turned comment notifications off: storage.onChanged in area `sync`.
    await fakeBrowser.storage.sync.set({
      preferences: { notify: { ...DEFAULT_SETTINGS.notify, comments: false }, quietHours: DEFAULT_SETTINGS.quietHours },
    });
    await pastBatching(); // the background reloads its settings meanwhile
    stream.push('id: 1\ndata: {"notice_type":2,"unread_count":1,"title":"Bob commented"}\n\n');
    await vi.waitFor(async () => expect(await badgeText()).toBe('5'));
    await pastBatching();
    expect(await notificationIds()).toEqual([]);

    // And back on: the next comment is announced.
    await fakeBrowser.storage.sync.set({ preferences: { notify: DEFAULT_SETTINGS.notify } });
    await pastBatching();
    stream.push('id: 2\ndata: {"notice_type":2,"unread_count":2,"title":"Ann commented"}\n\n');
    await vi.waitFor(async () => expect(await notificationIds()).toEqual(['beacon-cat-comments@main']));
    expect(server.countRequests('/socket_connection')).toBe(1);
    expect(stream.aborted).toBe(false);
  });

  it('keeps the stream when another context migrates a preset value (no metadata) to the accounts list', async () => {
    // An administrator (or a test driver) presets the documented key on a fresh install: no `settings$` with it.
    const server = await startBackground();
    await vi.waitFor(async () => expect(await fakeBrowser.action.getTitle({})).toContain('not set up'));
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, token: 'tok-tok-tok' } });
    await vi.waitFor(async () => expect(await badgeText()).toBe('4'));
    expect(server.countRequests('/socket_connection')).toBe(1);

    // The options page (opened on install) or the popup starts: its storage items run the migrations, which
    // rewrite `settings` as the accounts list (the account `main`) and `settings$`. The background sees a change.
    vi.resetModules();
    const page = await import('@/utils/settings/settings-storage');
    expect(await page.loadStoredAccounts()).toMatchObject([{ id: 'main', serverUrl: SERVER, token: 'tok-tok-tok' }]);
    expect((await fakeBrowser.storage.local.get('settings$')).settings$).toEqual({ v: 3 });
    await pastBatching();
    expect(server.countRequests('/socket_connection')).toBe(1);
    expect(server.streams[0]!.aborted).toBe(false);
  });

  it('sends preferences storage.sync refused earlier again when it starts', async () => {
    const preferences = {
      notify: { ...DEFAULT_SETTINGS.notify, likes: false },
      quietHours: DEFAULT_SETTINGS.quietHours,
      sound: false,
      snoozePresets: { minutes: 120, tomorrowAt: '09:00' },
    };
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: SERVER, token: 'tok-tok-tok' },
      preferencesCopy: { preferences, unsynced: true },
    });
    await startBackground();
    await vi.waitFor(async () =>
      expect((await fakeBrowser.storage.sync.get('preferences')).preferences).toEqual(preferences),
    );
    expect((await fakeBrowser.storage.local.get('preferencesCopy')).preferencesCopy).toMatchObject({ unsynced: false });
    expect(JSON.stringify(await fakeBrowser.storage.sync.get(null))).not.toContain('tok-tok-tok');
  });
});
