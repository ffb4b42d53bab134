/**
 * The browser edge of the shared preferences: `storage.sync` (`preferences`), which follows the user's browser
 * account (without one, Firefox not signed in, it is still stored in this browser), and this browser's copy.
 */
import { storage } from '@wxt-dev/storage';
import { describeError } from '../lib/errors';
import { DEFAULT_SETTINGS, hasPreferences, pickPreferences, type Preferences } from './settings';
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
export async function savePreferences(preferences: Preferences): Promise<boolean> {
  let synced = true;
  try {
    // Built field by field from whatever the caller passed: no token can ride along.
    await preferencesItem.setValue(pickPreferences(preferences));
  } catch (error) {
    synced = false;
    warn('storage.sync refused the preferences; they are kept in this browser and sent again later', error);
  }
  await preferencesCopyItem.setValue({ preferences: pickPreferences(preferences), unsynced: !synced });
  return synced;
}

export async function loadPreferences(): Promise<Preferences> {
  const copy = parseCopy(await preferencesCopyItem.getValue());
  if (copy?.unsynced) return copy.preferences;
  try {
    return pickPreferences(await preferencesItem.getValue());
  } catch (error) {
    warn("storage.sync could not be read; using this browser's copy of the preferences", error);
    return copy?.preferences ?? pickPreferences(null);
  }
}

/** The snooze presets alone, for the popup's first frame (no wait for the accounts' migration). */
export async function loadSnoozePresets(): Promise<SnoozePresets> {
  return (await loadPreferences()).snoozePresets;
}

/** Sends preferences `storage.sync` refused earlier once more (the background calls this when it starts). */
export async function retryUnsyncedPreferences(): Promise<void> {
  const copy = parseCopy(await preferencesCopyItem.getValue());
  if (copy?.unsynced) await savePreferences(copy.preferences);
}

/**
 * v1 of `local:settings` held everything. The preferences it held move to `storage.sync` once, unless another of the
 * user's browsers put some there first (those are kept: the user's choices win over defaults and over an older
 * copy). If `storage.sync` cannot take them, they stay in this browser's copy (see above).
 */
export async function moveLocalPreferencesToSync(value: unknown): Promise<void> {
  if (!hasPreferences(value)) return;
  // Read without the item's fallback: null means no browser of this user has stored preferences yet.
  const synced = await storage.getItem(preferencesItem.key).catch(() => null);
  if (synced === null) await savePreferences(pickPreferences(value));
}

/** Calls back when the preferences change here or in another of the user's browsers. */
export function watchPreferences(callback: () => void): () => void {
  const stops = [preferencesItem, preferencesCopyItem].map((item) => item.watch(callback));
  return () => stops.forEach((stop) => stop());
}
