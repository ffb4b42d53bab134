/**
 * Settings in two areas: preferences in `storage.sync` (they follow the user), the connection in `storage.local`
 * (server, sign-in, token). The v1 → v2 migration, "no token ever in sync", and policy still winning.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { NO_POLICY } from '@/utils/settings/accounts-policy';
import { DEFAULT_SETTINGS, pickConnection, type Settings } from '@/utils/settings/settings';

const TOKEN = 'secret-token-4711';
const QUIET = { enabled: true, from: '21:00', to: '06:30' };
const NOTIFY = { ...DEFAULT_SETTINGS.notify, likes: false };
const SNOOZE = { minutes: 30, tomorrowAt: '07:15' } as const;

/**
 * A fresh module instance: the migration runs when the storage items are defined, as at a worker or page start.
 * `saveSettings` and `loadSettings` save and load one account (`main`) with the preferences (`loadSettings`: the one
 * account `loadAccountsInForce` runs, without its id and label).
 */
async function loadStorageModule() {
  vi.resetModules();
  const module = await import('@/utils/settings/settings-storage');
  return {
    ...module,
    saveSettings: (settings: Settings) =>
      module.saveAccounts([{ id: 'main', label: '', ...pickConnection(settings) }], settings),
    loadSettings: async () => {
      const { accounts } = await module.loadAccountsInForce(async () => NO_POLICY);
      expect(accounts.map(({ id }) => id)).toEqual(['main']);
      const { id: _id, label: _label, ...settings } = accounts[0]!;
      return settings;
    },
  };
}

/** Everything in `storage.sync`, as text: a token must appear nowhere in it. */
const syncText = async () => JSON.stringify(await fakeBrowser.storage.sync.get(null));

beforeEach(() => fakeBrowser.reset());

describe('settings split between storage.local and storage.sync', () => {
  it('saves preferences to sync and the connection to local; no token, server or user name ever reaches sync', async () => {
    const { saveSettings, loadSettings } = await loadStorageModule();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      serverUrl: 'https://api.example.test',
      authMethod: 'token',
      token: TOKEN,
      username: 'alice',
      notify: NOTIFY,
      quietHours: QUIET,
      sound: false,
      snoozePresets: SNOOZE,
    };
    // Extra fields a careless caller might pass are not copied to sync either.
    await saveSettings({ ...settings, ...{ password: TOKEN } });
    const sync = await fakeBrowser.storage.sync.get(null);
    expect(sync).toEqual({
      preferences: { notify: NOTIFY, quietHours: QUIET, sound: false, snoozePresets: SNOOZE },
    });
    expect(await syncText()).not.toContain(TOKEN);
    expect(await syncText()).not.toContain('api.example.test');
    expect(await syncText()).not.toContain('alice');
    const { settings: stored } = await fakeBrowser.storage.local.get('settings');
    expect(stored).toHaveLength(1);
    const local = (stored as unknown[])[0];
    expect(local).toMatchObject({ serverUrl: 'https://api.example.test', token: TOKEN, username: 'alice' });
    expect(local).not.toHaveProperty('notify');
    expect(local).not.toHaveProperty('quietHours');
    expect(local).not.toHaveProperty('sound');
    expect(local).not.toHaveProperty('snoozePresets');
    expect(await loadSettings()).toEqual(settings);
  });

  it("moves an existing user's preferences from local to sync once; the token stays local", async () => {
    await fakeBrowser.storage.local.set({
      settings: {
        serverUrl: 'https://api.example.test',
        token: TOKEN,
        notify: NOTIFY,
        quietHours: QUIET,
        sound: false,
      },
      settings$: { v: 1 },
    });
    const { loadSettings } = await loadStorageModule();
    const loaded = await loadSettings();
    expect(loaded).toMatchObject({ token: TOKEN, notify: NOTIFY, quietHours: QUIET, sound: false });
    expect((await fakeBrowser.storage.sync.get('preferences')).preferences).toEqual({
      notify: NOTIFY,
      quietHours: QUIET,
      sound: false,
      snoozePresets: DEFAULT_SETTINGS.snoozePresets,
    });
    expect(await syncText()).not.toContain(TOKEN);
    const stored = await fakeBrowser.storage.local.get(['settings', 'settings$']);
    expect(stored.settings).toEqual([
      {
        ...pickConnection(DEFAULT_SETTINGS),
        id: 'main',
        label: '',
        serverUrl: 'https://api.example.test',
        token: TOKEN,
      },
    ]);
    expect(stored.settings$).toEqual({ v: 3 });

    // Once: preferences changed later in another browser are not overwritten at the next start.
    await fakeBrowser.storage.sync.set({ preferences: { ...loaded, notify: DEFAULT_SETTINGS.notify } });
    const again = await loadStorageModule();
    expect((await again.loadSettings()).notify).toEqual(DEFAULT_SETTINGS.notify);
  });

  it("keeps the preferences another browser already synced over this browser's older local copy", async () => {
    await fakeBrowser.storage.sync.set({ preferences: { notify: NOTIFY, quietHours: QUIET, sound: true } });
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: 'https://api.example.test', token: TOKEN, sound: false },
    });
    const { loadSettings } = await loadStorageModule();
    expect(await loadSettings()).toMatchObject({ token: TOKEN, notify: NOTIFY, quietHours: QUIET, sound: true });
    expect((await fakeBrowser.storage.local.get('settings')).settings).toEqual([
      expect.not.objectContaining({ sound: expect.anything() }),
    ]);
  });

  it('ignores broken synced values field by field', async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: 'https://api.example.test', token: TOKEN } });
    await fakeBrowser.storage.sync.set({
      preferences: {
        notify: { likes: 'no', stars: false },
        quietHours: 5,
        sound: 1,
        snoozePresets: { minutes: 45, tomorrowAt: '25:00' },
      },
    });
    const { loadSettings, loadSnoozePresets } = await loadStorageModule();
    const settings = await loadSettings();
    expect(settings.notify).toEqual({ ...DEFAULT_SETTINGS.notify, stars: false });
    expect(settings.quietHours).toEqual(DEFAULT_SETTINGS.quietHours);
    expect(settings.sound).toBe(true);
    expect(settings.snoozePresets).toEqual({ minutes: 60, tomorrowAt: '08:00' });
    await fakeBrowser.storage.sync.set({ preferences: { snoozePresets: { minutes: 240, tomorrowAt: 7 } } });
    expect(await loadSnoozePresets()).toEqual({ minutes: 240, tomorrowAt: '08:00' });
    await fakeBrowser.storage.sync.set({ preferences: { snoozePresets: 'soon' } });
    expect(await loadSnoozePresets()).toEqual({ minutes: 60, tomorrowAt: '08:00' });
  });

  it('policy still wins over the local connection and over anything in storage.sync; synced preferences apply', async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: 'https://mine.example.test', token: TOKEN } });
    // Connection fields in the synced value (another browser's bug, a hand-edited value) are never read from there.
    await fakeBrowser.storage.sync.set({
      preferences: {
        notify: NOTIFY,
        quietHours: QUIET,
        sound: false,
        serverUrl: 'https://synced.example.test',
        authMethod: 'username',
        token: 'synced-token',
        role: 'admin',
      },
    });
    // What a browser's policy gives (fakeBrowser's managed area is read-only, like the real one).
    const policy = { serverUrl: 'https://policy.example.test', authMethod: 'cookie' };
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockImplementation(async () => policy);
    const { loadAccountsInForce } = await loadStorageModule();
    const { accounts } = await loadAccountsInForce();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      serverUrl: 'https://policy.example.test',
      authMethod: 'cookie',
      token: TOKEN,
      notify: NOTIFY,
      sound: false,
      role: 'auto',
    });
  });

  it('tells watchers about a change in either area (synced preferences arrive from another browser)', async () => {
    const { watchSettings } = await loadStorageModule();
    const changed = vi.fn();
    const stop = watchSettings(changed);
    await fakeBrowser.storage.sync.set({ preferences: { notify: NOTIFY, quietHours: QUIET, sound: false } });
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1));
    await fakeBrowser.storage.local.set({ settings: { serverUrl: 'https://api.example.test' } });
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(2));
    stop();
    await fakeBrowser.storage.sync.set({ preferences: { notify: NOTIFY, quietHours: QUIET, sound: true } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('keeps preferences storage.sync refuses (quota) in this browser, applies them, and sends them again later', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { saveSettings, loadSettings, retryUnsyncedPreferences } = await loadStorageModule();
    await fakeBrowser.storage.sync.set({ preferences: { notify: DEFAULT_SETTINGS.notify, sound: true } });
    const refuse = vi
      .spyOn(fakeBrowser.storage.sync, 'set')
      .mockRejectedValue(new Error('QUOTA_BYTES_PER_ITEM quota exceeded'));
    const settings: Settings = { ...DEFAULT_SETTINGS, serverUrl: 'https://api.example.test', token: TOKEN };
    const chosen = { ...settings, notify: NOTIFY, quietHours: QUIET, sound: false, snoozePresets: SNOOZE };
    expect(await saveSettings(chosen)).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('QUOTA_BYTES_PER_ITEM'));
    // Not lost: this browser runs with them, although storage.sync still holds the older ones.
    expect(await loadSettings()).toEqual(chosen);
    const { preferencesCopy } = await fakeBrowser.storage.local.get('preferencesCopy');
    expect(preferencesCopy).toEqual({
      preferences: { notify: NOTIFY, quietHours: QUIET, sound: false, snoozePresets: SNOOZE },
      unsynced: true,
    });
    expect(JSON.stringify(preferencesCopy)).not.toContain(TOKEN);

    refuse.mockRestore();
    await retryUnsyncedPreferences();
    expect((await fakeBrowser.storage.sync.get('preferences')).preferences).toEqual({
      notify: NOTIFY,
      quietHours: QUIET,
      sound: false,
      snoozePresets: SNOOZE,
    });
    expect((await fakeBrowser.storage.local.get('preferencesCopy')).preferencesCopy).toMatchObject({ unsynced: false });
    expect(await syncText()).not.toContain(TOKEN);
    // Synced again: a later change from another browser wins over this browser's copy.
    await fakeBrowser.storage.sync.set({ preferences: { sound: true } });
    expect((await loadSettings()).sound).toBe(true);
  });

  it("loads this browser's copy when storage.sync cannot be read at all", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { saveSettings, loadSettings } = await loadStorageModule();
    const chosen: Settings = {
      ...DEFAULT_SETTINGS,
      serverUrl: 'https://api.example.test',
      notify: NOTIFY,
      sound: false,
    };
    expect(await saveSettings(chosen)).toBe(true);
    vi.spyOn(fakeBrowser.storage.sync, 'get').mockRejectedValue(new Error('storage.sync is disabled'));
    expect(await loadSettings()).toEqual(chosen);
  });

  it('keeps the preferences of an old local value when storage.sync refuses them during the migration', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: 'https://api.example.test', token: TOKEN, notify: NOTIFY, sound: false },
      settings$: { v: 1 },
    });
    vi.spyOn(fakeBrowser.storage.sync, 'set').mockRejectedValue(new Error('MAX_WRITE_OPERATIONS_PER_MINUTE'));
    const { loadSettings } = await loadStorageModule();
    expect(await loadSettings()).toMatchObject({ token: TOKEN, notify: NOTIFY, sound: false });
    const stored = await fakeBrowser.storage.local.get(['settings', 'settings$']);
    expect(JSON.stringify(stored.settings)).not.toContain('notify');
    expect(stored.settings$).toEqual({ v: 3 });
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
  });
});
