/**
 * The browser edge of settings.ts: the connection in `storage.local` (`settings`), the preferences in
 * `storage.sync` (`preferences`), policy in `storage.managed`. `storage.sync` follows the user's browser account;
 * without one (Firefox not signed in) it is still stored in this browser.
 */
import { storage } from '@wxt-dev/storage';
import { browser } from 'wxt/browser';
import { describeError } from '../lib/errors';
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
  type SettingsInForce,
} from './settings';
import type { SnoozePresets } from './snooze';

const preferencesItem = storage.defineItem<Preferences>('sync:preferences', {
  fallback: pickPreferences(DEFAULT_SETTINGS),
  version: 1,
});

/**
 * This browser's copy of the preferences it last saved. `unsynced` while `storage.sync` refused them (its quota, sync
 * turned off): until a later write succeeds, they win over what `storage.sync` holds, so no choice is lost. The copy
 * is also what loads when `storage.sync` cannot be read at all.
 */
interface PreferencesCopy {
  preferences: Preferences;
  unsynced: boolean;
}
const preferencesCopyItem = storage.defineItem<PreferencesCopy | null>('local:preferencesCopy', {
  fallback: null,
  version: 1,
});

function parseCopy(value: unknown): PreferencesCopy | null {
  if (typeof value !== 'object' || value === null) return null;
  const { preferences, unsynced } = value as Record<string, unknown>;
  return { preferences: pickPreferences(preferences), unsynced: unsynced === true };
}

const warn = (what: string, error: unknown) => console.warn(`[beacon] ${what}: ${describeError(error)}`);

/** Writes the preferences to `storage.sync` and this browser's copy; returns false when only the copy took them. */
async function savePreferences(preferences: Preferences): Promise<boolean> {
  let synced = true;
  try {
    await preferencesItem.setValue(preferences);
  } catch (error) {
    synced = false;
    warn('storage.sync refused the preferences; they are kept in this browser and sent again later', error);
  }
  await preferencesCopyItem.setValue({ preferences, unsynced: !synced });
  return synced;
}

async function loadPreferences(): Promise<Preferences> {
  const copy = parseCopy(await preferencesCopyItem.getValue());
  if (copy?.unsynced) return copy.preferences;
  try {
    return pickPreferences(await preferencesItem.getValue());
  } catch (error) {
    warn("storage.sync could not be read; using this browser's copy of the preferences", error);
    return copy?.preferences ?? pickPreferences(null);
  }
}

/** The snooze presets alone, for the popup's first frame (no wait for the connection's migration). */
export async function loadSnoozePresets(): Promise<SnoozePresets> {
  return (await loadPreferences()).snoozePresets;
}

/** Sends preferences `storage.sync` refused earlier once more (the background calls this when it starts). */
export async function retryUnsyncedPreferences(): Promise<void> {
  const copy = parseCopy(await preferencesCopyItem.getValue());
  if (copy?.unsynced) await savePreferences(copy.preferences);
}

/**
 * v1 held everything; v2 holds the connection only. The preferences a v1 value held move to `storage.sync` once,
 * unless another of the user's browsers put some there first (those are kept: the user's choices win over defaults
 * and over an older copy). If `storage.sync` cannot take them, they stay in this browser's copy (see above).
 */
async function moveLocalPreferencesToSync(value: unknown): Promise<ConnectionSettings> {
  if (hasPreferences(value)) {
    // Read without the item's fallback: null means no browser of this user has stored preferences yet.
    const synced = await storage.getItem(preferencesItem.key).catch(() => null);
    if (synced === null) await savePreferences(pickPreferences(value));
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
  return normalizeSettings({ ...connection, ...(await loadPreferences()) });
}

/**
 * Saves each part where it belongs; only `pickPreferences`' fields reach `storage.sync`. Returns false when
 * `storage.sync` refused the preferences (they apply in this browser and are sent again later).
 */
export async function saveSettings(settings: Settings): Promise<boolean> {
  const [, synced] = await Promise.all([
    settingsItem.setValue(pickConnection(settings)),
    savePreferences(pickPreferences(settings)),
  ]);
  return synced;
}

/** Calls back when either part changes here or (preferences) in another of the user's browsers. */
export function watchSettings(callback: () => void): () => void {
  const stops = [settingsItem, preferencesItem, preferencesCopyItem].map((item) => item.watch(callback));
  return () => stops.forEach((stop) => stop());
}

/** Policy values; none when no policy is set (browsers reject the call then, Firefox without a manifest too). */
export async function loadManagedSettings(): Promise<ManagedSettings> {
  try {
    return parseManagedSettings(await browser.storage.managed.get(null));
  } catch {
    return {};
  }
}

/**
 * The one loader of the settings in force, for the options page and the background: the user's settings with the
 * policy `loadPolicy` gives (by default the browser's `storage.managed`; the background passes its policy source,
 * which does not wait for a slow first read).
 */
export async function loadSettingsInForce(
  loadPolicy: () => Promise<ManagedSettings> = loadManagedSettings,
): Promise<SettingsInForce> {
  const [local, managed] = await Promise.all([loadSettings(), loadPolicy()]);
  return { settings: getEffectiveSettings(local, managed), managed };
}
