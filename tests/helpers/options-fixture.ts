/** The options page mounted on a fake SettingsClient (tests/unit/options*.test.ts, accounts-*.test.ts). */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { vi } from 'vitest';
import App from '@/entrypoints/options/App.vue';
import type { TestStepResult } from '@/utils/connection/connection-test';
import { getMigratedAccounts, type StoredAccount } from '@/utils/settings/accounts-model';
import { getAccountsInOptions, parseAccountsPolicy } from '@/utils/settings/accounts-policy';
import {
  DEFAULT_SETTINGS,
  pickConnection,
  pickPreferences,
  type Preferences,
  type Settings,
} from '@/utils/settings/settings';
import type { AccountsInOptions, SettingsClient } from '@/utils/messaging/settings-client';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { oneAccount } from './account-snapshot';
import { useSettingsStore } from '@/utils/stores/settings-store';

/** One account's settings as storage holds them: the account `main` (none when it names nothing) and preferences. */
const asStored = (settings: Settings) => getMigratedAccounts(pickConnection(settings));

/**
 * `settings`: one account (as a single-account version stored it); `policy`: what `storage.managed` holds;
 * `accounts`: the stored list, when a test needs several.
 */
export function fakeClient(
  settings: Settings = structuredClone(DEFAULT_SETTINGS),
  policy: Record<string, unknown> = {},
  accounts: StoredAccount[] = asStored(settings),
) {
  let watcher: (loaded: AccountsInOptions) => void = () => {};
  const parsedPolicy = parseAccountsPolicy(policy);
  // As the real client does (extension-settings-client.ts): the accounts list with the policy applied.
  const inOptions = (stored: StoredAccount[], preferences: Preferences): AccountsInOptions =>
    structuredClone({ accounts: getAccountsInOptions(stored, parsedPolicy), preferences, policy: parsedPolicy });
  const client = {
    load: vi.fn(async () => inOptions(accounts, pickPreferences(settings))),
    save: vi.fn(async (_accounts: StoredAccount[], _preferences: Preferences) => ({ preferencesSynced: true })),
    requestPermissions: vi.fn(async (_origins: string[]) => true),
    releaseUnusedPermissions: vi.fn(async (_serverUrls: string[]) => {}),
    watch: (callback: (loaded: AccountsInOptions) => void) => {
      watcher = callback;
      return () => {};
    },
    testConnection: vi.fn(async (_: Settings, onStep: (result: TestStepResult) => void) => {
      onStep({ step: 'server', verdict: 'ok', outcome: { kind: 'reached' } });
      onStep({
        step: 'signIn',
        verdict: 'failed',
        outcome: { kind: 'refused', reason: { code: 'http', status: 401, detail: 'invalid or expired token' } },
      });
      return false;
    }),
    forget: vi.fn(async () => {}),
    getSnapshot: vi.fn(async () =>
      oneAccount({ lastEventId: 'abc.7', diagnostics: { ...getEmptySnapshot().diagnostics, malformedEvents: 2 } }),
    ),
    onSnapshotChanged: () => () => {},
    getShortcut: vi.fn(async (): Promise<string | null> => 'Alt+Shift+U'),
    openShortcutSettings: vi.fn(async () => {}),
    canSilenceNotifications: true,
    /** Another window saved one account's settings. */
    emit: (next: Settings) => watcher(inOptions(asStored(next), pickPreferences(next))),
    /** Another window (or this page's own save) stored this list. */
    emitAccounts: (next: StoredAccount[], preferences: Preferences) => watcher(inOptions(next, preferences)),
  } satisfies SettingsClient & Record<'emit' | 'emitAccounts', unknown>;
  return client;
}

export type FakeSettingsClient = ReturnType<typeof fakeClient>;

/** What the save number `call` (default: the last) stored, as the first account's settings with the preferences. */
export function getSavedSettings(client: FakeSettingsClient, call = -1): Settings & StoredAccount {
  const [accounts, preferences] = client.save.mock.calls.at(call)!;
  return { ...accounts[0]!, ...preferences };
}

let ids = 0;
/** Ids of added accounts, predictable in tests (the page uses random UUIDs). */
const nextTestId = () => `added-${++ids}`;

export async function mountOptions(client: FakeSettingsClient = fakeClient()) {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSettingsStore().connect(client, { newId: nextTestId });
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, client };
}
