/**
 * The browser edge of settings.ts: the connection in `storage.local` (`settings`), the preferences in
 * `storage.sync` (`preferences`), policy in `storage.managed`. `storage.sync` follows the user's browser account;
 * without one (Firefox not signed in) it is still stored in this browser.
 */
import { storage } from '@wxt-dev/storage';
import { browser } from 'wxt/browser';
import {
  DEFAULT_SETTINGS,
  getEffectiveSettings,
  hasPreferences,
  normalizeSettings,
  parseManagedSettings,
  pickConnection,
  pickPreferences,
  type ConnectionSettings,
  type ManagedSettings,
  type Preferences,
  type Settings,
} from './settings';

export const preferencesItem = storage.defineItem<Preferences>('sync:preferences', {
  fallback: pickPreferences(DEFAULT_SETTINGS),
  version: 1,
});

/**
 * v1 held everything; v2 holds the connection only. The preferences a v1 value held move to `storage.sync` once,
 * unless another of the user's browsers put some there first (those are kept: the user's choices win over defaults
 * and over an older copy). If writing to `storage.sync` fails, the migration throws and runs again next start.
 */
async function moveLocalPreferencesToSync(value: unknown): Promise<ConnectionSettings> {
  // Read without the item's fallback: null means no browser of this user has stored preferences yet.
  if (hasPreferences(value) && (await storage.getItem(preferencesItem.key)) === null) {
    await preferencesItem.setValue(pickPreferences(value));
  }
  return pickConnection(value as Partial<Settings>);
}

export const settingsItem = storage.defineItem<ConnectionSettings>('local:settings', {
  fallback: pickConnection(DEFAULT_SETTINGS),
  version: 2,
  migrations: { 2: moveLocalPreferencesToSync },
});

/** The user's settings: this browser's connection and the synced preferences. */
export async function loadSettings(): Promise<Settings> {
  // The connection first: reading it waits for its migration, which may write the preferences.
  const connection = pickConnection(await settingsItem.getValue());
  const preferences = pickPreferences(await preferencesItem.getValue());
  return normalizeSettings({ ...connection, ...preferences });
}

/** Saves each part where it belongs; only `pickPreferences`' fields reach `storage.sync`. */
export async function saveSettings(settings: Settings): Promise<void> {
  await Promise.all([
    settingsItem.setValue(pickConnection(settings)),
    preferencesItem.setValue(pickPreferences(settings)),
  ]);
}

/** Calls back when either part changes here or (preferences) in another of the user's browsers. */
export function watchSettings(callback: () => void): () => void {
  const stopConnection = settingsItem.watch(callback);
  const stopPreferences = preferencesItem.watch(callback);
  return () => {
    stopConnection();
    stopPreferences();
  };
}

/** Policy values; none when no policy is set (browsers reject the call then, Firefox without a manifest too). */
export async function loadManagedSettings(): Promise<ManagedSettings> {
  try {
    return parseManagedSettings(await browser.storage.managed.get(null));
  } catch {
    return {};
  }
}

/** The settings the background runs with. */
export async function loadEffectiveSettings(): Promise<Settings> {
  const [local, managed] = await Promise.all([loadSettings(), loadManagedSettings()]);
  return getEffectiveSettings(local, managed);
}
