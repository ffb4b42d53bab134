/** Settings in `storage.local` (`settings`) and policy in `storage.managed`: the browser edge of settings.ts. */
import { storage } from '@wxt-dev/storage';
import { browser } from 'wxt/browser';
import {
  DEFAULT_SETTINGS,
  getEffectiveSettings,
  normalizeSettings,
  parseManagedSettings,
  type ManagedSettings,
  type Settings,
} from './settings';

export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: 1,
});

export async function loadSettings(): Promise<Settings> {
  return normalizeSettings(await settingsItem.getValue());
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
