/**
 * The browser edge of the settings: the accounts list in `storage.local` (`settings`: each account's server, sign-in,
 * token, role, id and label, in the user's order; nothing of it syncs), the shared preferences in `storage.sync`
 * (preferences-storage.ts), policy in `storage.managed`.
 */
import { storage } from '@wxt-dev/storage';
import { browser } from 'wxt/browser';
import {
  getMigratedAccounts,
  isRecord,
  parseConnection,
  parseStoredAccounts,
  type StoredAccount,
} from './accounts-model';
import { getAccountsInForce, parseAccountsPolicy, type AccountsInForce, type AccountsPolicy } from './accounts-policy';
import { loadPreferences, moveLocalPreferencesToSync, savePreferences, watchPreferences } from './preferences-storage';
import type { Preferences } from './settings';

export { loadSnoozePresets, retryUnsyncedPreferences } from './preferences-storage';

/**
 * v1 held one account's connection and the preferences; v2 the connection only; v3 the accounts list. A value some
 * migration could not handle is still read (`getMigratedAccounts` takes every shape), so nothing stops Beacon.
 */
export const settingsItem = storage.defineItem<unknown>('local:settings', {
  fallback: [],
  version: 3,
  migrations: {
    2: async (value: unknown) => {
      await moveLocalPreferencesToSync(value);
      return isRecord(value) ? parseConnection(value) : value;
    },
    // The one account becomes the account `main`: the background keeps its snapshot (counts, Last-Event-ID).
    3: (value: unknown) => getMigratedAccounts(value),
  },
});

/** The stored accounts, in the user's order (no policy applied). */
export async function loadStoredAccounts(): Promise<StoredAccount[]> {
  return getMigratedAccounts(await settingsItem.getValue());
}

/**
 * Saves the accounts list (bounds applied: the first MAX_ACCOUNTS, unique ids, labels cut) and the preferences. Only
 * the preferences reach `storage.sync`; returns false when it refused them (they apply in this browser and are sent
 * again later).
 */
export async function saveAccounts(accounts: readonly StoredAccount[], preferences: Preferences): Promise<boolean> {
  const [, synced] = await Promise.all([
    settingsItem.setValue(parseStoredAccounts(accounts)),
    savePreferences(preferences),
  ]);
  return synced;
}

/** Calls back when the accounts or the preferences change here, or the preferences in another of the user's browsers. */
export function watchSettings(callback: () => void): () => void {
  const stops = [settingsItem.watch(callback), watchPreferences(callback)];
  return () => stops.forEach((stop) => stop());
}

/** Policy; none when no policy is set (browsers reject the call then, Firefox without a manifest too). */
export async function loadManagedSettings(): Promise<AccountsPolicy> {
  try {
    return parseAccountsPolicy(await browser.storage.managed.get(null));
  } catch {
    return parseAccountsPolicy(null);
  }
}

/** The stored accounts, the preferences and the policy, read together: what the options page edits. */
export async function loadAccountsForOptions(
  loadPolicy: () => Promise<AccountsPolicy> = loadManagedSettings,
): Promise<{ stored: StoredAccount[]; preferences: Preferences; policy: AccountsPolicy }> {
  // The accounts first: reading them waits for their migration, which may write the preferences.
  const stored = await loadStoredAccounts();
  const [preferences, policy] = await Promise.all([loadPreferences(), loadPolicy()]);
  return { stored, preferences, policy };
}

/**
 * The one loader of what the background runs with: the accounts in force, in order, policy applied, only those with
 * a usable server URL. `loadPolicy` is by default the browser's `storage.managed`; the background passes its policy
 * source, which does not wait for a slow first read.
 */
export async function loadAccountsInForce(
  loadPolicy: () => Promise<AccountsPolicy> = loadManagedSettings,
): Promise<AccountsInForce> {
  const { stored, preferences, policy } = await loadAccountsForOptions(loadPolicy);
  return { accounts: getAccountsInForce(stored, preferences, policy), policy };
}
