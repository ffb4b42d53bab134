/**
 * The options page's Pinia store: a draft of the accounts list and the shared preferences, validation, saving with
 * permission, removal, tests. Adding, labelling and reordering are drafts until Save; removing (after a confirm)
 * applies at once.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { describeError } from '../lib/errors';
import type { TestStepResult } from '../connection/connection-test';
import { getRequestedOrigins } from '../settings/host-permission';
import type { MessageKey } from '../labels/message-key';
import { MAX_ACCOUNTS } from '../settings/accounts';
import { getMovedAccounts, getNewAccount, type StoredAccount } from '../settings/accounts-model';
import {
  getAccountsInOptions,
  getLockedFields,
  isPolicyAccount,
  NO_POLICY,
  type AccountsPolicy,
  type LockableField,
} from '../settings/accounts-policy';
import {
  getCrowdedOrigins,
  getSavableAccounts,
  getTestableAccount,
  getUsableOrigin,
  isDraftChanged,
  isSessionChange,
} from '../settings/accounts-draft';
import { DEFAULT_SETTINGS, pickPreferences, type Preferences } from '../settings/settings';
import type { AccountsInOptions, SettingsClient } from '../messaging/settings-client';
import type { SettingsErrors } from '../settings/settings-validation';
import type { Snapshot } from '../snapshot/snapshot';

export interface Feedback {
  kind: 'success' | 'error' | 'info';
  key: MessageKey;
  substitutions?: string[];
}

/** A plain copy: Firefox cannot store (structured-clone) Vue's reactive proxies. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const useSettingsStore = defineStore('settings', () => {
  /** The accounts being edited, in the user's order; never empty (a first, unsaved account when none is stored). */
  const accounts = ref<StoredAccount[]>([]);
  const preferences = ref<Preferences>(pickPreferences(DEFAULT_SETTINGS));
  const policy = ref<AccountsPolicy>(NO_POLICY);
  const selectedId = ref('');
  const errors = ref<SettingsErrors>({});
  const feedback = ref<Feedback | null>(null);
  const busy = ref<'saving' | 'testing' | 'forgetting' | 'removing' | null>(null);
  const testResults = ref<TestStepResult[]>([]);
  const snapshot = shallowRef<Snapshot | null>(null);
  const canSilence = ref(true);
  /** What is stored (with policy applied): tells a save that reconnects from one that changes preferences only. */
  let stored: AccountsInOptions = { accounts: [], preferences: pickPreferences(DEFAULT_SETTINGS), policy: NO_POLICY };
  /** The popup's keyboard shortcut; null when the user removed it, undefined until the browser answered. */
  const shortcut = ref<string | null | undefined>(undefined);
  let client: SettingsClient | null = null;
  let newId: () => string = () => crypto.randomUUID();

  /** The account the form edits. */
  const account = computed(
    () => accounts.value.find((candidate) => candidate.id === selectedId.value) ?? accounts.value[0]!,
  );
  /** The form's account's origin when so many accounts use it that HTTP/1.1 has no connection left for requests. */
  const crowdedOrigin = computed(() => {
    const own = getUsableOrigin(account.value.serverUrl);
    return getCrowdedOrigins(accounts.value).find(({ origin }) => origin === own) ?? null;
  });
  const canAdd = computed(() => policy.value.allowAddingAccounts && accounts.value.length < MAX_ACCOUNTS);
  const locked = computed(() => getLockedFields(policy.value, account.value.id));
  const isLocked = (field: LockableField) => locked.value.has(field);
  const isRemovable = (id: string) => !isPolicyAccount(policy.value, id);

  /** Shows what is stored: the form's draft starts again from it. */
  function show(loaded: AccountsInOptions) {
    stored = plain(loaded);
    policy.value = loaded.policy;
    accounts.value = loaded.accounts.length > 0 ? plain(loaded.accounts) : [getNewAccount(newId())];
    preferences.value = plain(loaded.preferences);
    if (!accounts.value.some((candidate) => candidate.id === selectedId.value))
      selectedId.value = accounts.value[0]!.id;
    errors.value = {};
  }

  async function connect(settingsClient: SettingsClient, options: { newId?: () => string } = {}): Promise<() => void> {
    client = settingsClient;
    if (options.newId) newId = options.newId;
    canSilence.value = settingsClient.canSilenceNotifications;
    settingsClient.getShortcut().then(
      (current) => (shortcut.value = current),
      () => {},
    );
    show(await settingsClient.load());
    const stopWatching = settingsClient.watch((next) => {
      // Unsaved edits stay as they are; without any, the page follows the change.
      if (isDraftChanged({ accounts: accounts.value, preferences: preferences.value }, stored)) {
        stored = plain(next);
        policy.value = next.policy;
      } else show(next);
    });
    const stopSnapshots = settingsClient.onSnapshotChanged((next) => (snapshot.value = next));
    settingsClient.getSnapshot().then(
      (current) => (snapshot.value = current),
      () => {},
    );
    return () => {
      stopWatching();
      stopSnapshots();
    };
  }

  /** Validates the whole list; on success returns what Save stores, else shows the account with the problem. */
  function prepare(): StoredAccount[] | null {
    const result = getSavableAccounts(plain(accounts.value), preferences.value, policy.value);
    if ('accounts' in result) {
      errors.value = {};
      return result.accounts;
    }
    errors.value = result.problem.errors;
    selectedId.value = result.problem.id;
    feedback.value = { kind: 'error', key: 'errorFixFields' };
    return null;
  }

  /**
   * Asks, in one prompt, for the host permissions of servers that need one (not loopback). Call only from a click
   * handler, before any other await: the browser allows the request only within the user's gesture.
   */
  async function ensurePermission(serverUrls: string[]): Promise<boolean> {
    const origins = getRequestedOrigins(serverUrls);
    if (origins.length === 0) return true;
    const granted = await client!.requestPermissions(origins);
    if (!granted) feedback.value = { kind: 'error', key: 'permissionDenied', substitutions: [origins.join(', ')] };
    return granted;
  }

  /** Host permissions no account uses any more are given back (after the save: no user gesture needed). */
  const releasePermissions = (list: StoredAccount[]) =>
    client!.releaseUnusedPermissions(list.map((entry) => entry.serverUrl)).catch(() => {});

  async function save(): Promise<void> {
    if (!client || busy.value) return;
    const list = prepare();
    if (!list) return;
    busy.value = 'saving';
    try {
      if (!(await ensurePermission(list.map((entry) => entry.serverUrl)))) return;
      // Compared before the save: its own storage change can reach the watcher first and update `stored`.
      const changesSessions = isSessionChange(stored.accounts, list);
      const chosen = plain(preferences.value);
      const { preferencesSynced } = await client.save(list, chosen);
      show({ accounts: list, preferences: chosen, policy: policy.value });
      void releasePermissions(list);
      if (!preferencesSynced) feedback.value = { kind: 'info', key: 'savedNotSynced' };
      else feedback.value = { kind: 'success', key: changesSessions ? 'saved' : 'savedPreferences' };
    } catch (error) {
      feedback.value = { kind: 'error', key: 'actionFailed', substitutions: [describeError(error)] };
    } finally {
      busy.value = null;
    }
  }

  async function testConnection(): Promise<void> {
    if (!client || busy.value) return;
    const testable = getTestableAccount(plain(account.value), plain(preferences.value), policy.value);
    errors.value = 'problem' in testable ? testable.problem.errors : {};
    if ('problem' in testable) {
      feedback.value = { kind: 'error', key: 'errorFixFields' };
      return;
    }
    const { settings } = testable;
    busy.value = 'testing';
    testResults.value = [];
    feedback.value = null;
    try {
      if (!(await ensurePermission([settings.serverUrl]))) return;
      // A step reported again (a wait that ended) replaces its line; a new step is added at the end.
      await client.testConnection(settings, (result) => {
        const index = testResults.value.findIndex((shown) => shown.step === result.step);
        testResults.value = index === -1 ? [...testResults.value, result] : testResults.value.with(index, result);
      });
    } finally {
      busy.value = null;
    }
  }

  function addAccount(): void {
    if (!canAdd.value) return;
    const added = getNewAccount(newId());
    accounts.value = [...accounts.value, added];
    select(added.id);
  }

  function select(id: string): void {
    if (id === selectedId.value) return;
    selectedId.value = id;
    errors.value = {};
    testResults.value = [];
  }

  const moveAccount = (id: string, delta: -1 | 1) => (accounts.value = getMovedAccounts(accounts.value, id, delta));

  /** Removes an account now (the user confirmed): from storage, and from the draft; other drafts stay as they are. */
  async function removeAccount(id: string, name: string): Promise<void> {
    if (!client || busy.value || !isRemovable(id)) return;
    busy.value = 'removing';
    try {
      const keep = (entry: StoredAccount) => entry.id !== id;
      const remaining = stored.accounts.filter(keep);
      if (remaining.length !== stored.accounts.length) await client.save(remaining, stored.preferences);
      const drafts = accounts.value.filter(keep);
      stored = { ...stored, accounts: remaining };
      accounts.value = drafts.length > 0 ? drafts : [getNewAccount(newId())];
      if (selectedId.value === id) select(accounts.value[0]!.id);
      void releasePermissions(remaining);
      feedback.value = { kind: 'info', key: 'accountRemoved', substitutions: [name] };
    } catch (error) {
      feedback.value = { kind: 'error', key: 'actionFailed', substitutions: [describeError(error)] };
    } finally {
      busy.value = null;
    }
  }

  async function forget(): Promise<void> {
    if (!client || busy.value) return;
    busy.value = 'forgetting';
    try {
      await client.forget();
      // Only the accounts are forgotten; the stored preferences stay as they are. Policy accounts remain, signed out.
      const remaining = getAccountsInOptions([], policy.value);
      show({ accounts: remaining, preferences: stored.preferences, policy: policy.value });
      void releasePermissions(remaining);
      testResults.value = [];
      feedback.value = { kind: 'info', key: 'signedOutDone' };
    } finally {
      busy.value = null;
    }
  }

  const openShortcutSettings = () => client?.openShortcutSettings().catch(() => {});

  return {
    shortcut,
    openShortcutSettings,
    accounts,
    account,
    preferences,
    policy,
    selectedId,
    canAdd,
    crowdedOrigin,
    errors,
    feedback,
    busy,
    testResults,
    snapshot,
    canSilence,
    isLocked,
    isRemovable,
    connect,
    save,
    testConnection,
    forget,
    addAccount,
    select,
    moveAccount,
    removeAccount,
  };
});
