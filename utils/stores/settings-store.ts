/** The options page's Pinia store: a draft of the settings, validation, saving with permission, tests. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { describeError } from '../lib/errors';
import type { TestStepResult } from '../connection/connection-test';
import { needsPermissionRequest, getOriginPattern } from '../settings/host-permission';
import type { MessageKey } from '../labels/message-key';
import {
  DEFAULT_SETTINGS,
  getEffectiveSettings,
  isSameSession,
  MANAGED_FIELDS,
  pickPreferences,
  type ManagedField,
  type ManagedSettings,
  type Settings,
} from '../settings/settings';
import type { SettingsClient } from '../messaging/settings-client';
import { getCleanSettings, validateSettings, type SettingsErrors } from '../settings/settings-validation';
import type { Snapshot } from '../snapshot/snapshot';

export interface Feedback {
  kind: 'success' | 'error' | 'info';
  key: MessageKey;
  substitutions?: string[];
}

export const useSettingsStore = defineStore('settings', () => {
  const draft = ref<Settings>(structuredClone(DEFAULT_SETTINGS));
  const managed = ref<ManagedSettings>({});
  const errors = ref<SettingsErrors>({});
  const feedback = ref<Feedback | null>(null);
  const busy = ref<'saving' | 'testing' | 'forgetting' | null>(null);
  const testResults = ref<TestStepResult[]>([]);
  const snapshot = shallowRef<Snapshot | null>(null);
  const canSilence = ref(true);
  /** What is stored (with policy applied): tells a save that reconnects from one that changes preferences only. */
  let stored: Settings = structuredClone(DEFAULT_SETTINGS);
  /** The popup's keyboard shortcut; null when the user removed it, undefined until the browser answered. */
  const shortcut = ref<string | null | undefined>(undefined);
  let client: SettingsClient | null = null;

  const locked = computed(() => new Set(MANAGED_FIELDS.filter((field) => managed.value[field] !== undefined)));
  const isLocked = (field: ManagedField) => locked.value.has(field);

  async function connect(settingsClient: SettingsClient): Promise<() => void> {
    client = settingsClient;
    canSilence.value = settingsClient.canSilenceNotifications;
    settingsClient.getShortcut().then(
      (current) => (shortcut.value = current),
      () => {},
    );
    const loaded = await settingsClient.load();
    managed.value = loaded.managed;
    stored = loaded.settings;
    draft.value = structuredClone(stored);
    const stopWatching = settingsClient.watch((next) => {
      managed.value = next.managed;
      stored = next.settings;
      draft.value = structuredClone(stored);
      errors.value = {};
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

  /** Validates; on success returns the settings to use, with policy fields winning. */
  function prepare(): Settings | null {
    // A plain copy: Firefox cannot store (structured-clone) Vue's reactive proxies.
    const plain = JSON.parse(JSON.stringify(draft.value)) as Settings;
    const settings = getEffectiveSettings(getCleanSettings(plain), managed.value);
    errors.value = validateSettings(settings);
    if (Object.keys(errors.value).length > 0) {
      feedback.value = { kind: 'error', key: 'errorFixFields' };
      return null;
    }
    return settings;
  }

  /** Asks for the server's host permission when needed. Call only from a click handler, before any other await. */
  async function ensurePermission(settings: Settings): Promise<boolean> {
    if (!needsPermissionRequest(settings.serverUrl)) return true;
    const granted = await client!.requestPermission(settings.serverUrl);
    if (!granted)
      feedback.value = {
        kind: 'error',
        key: 'permissionDenied',
        substitutions: [getOriginPattern(settings.serverUrl)],
      };
    return granted;
  }

  async function save(): Promise<void> {
    if (!client || busy.value) return;
    const settings = prepare();
    if (!settings) return;
    busy.value = 'saving';
    try {
      if (!(await ensurePermission(settings))) return;
      // Compared before the save: its own storage change can reach the watcher first and update `stored`.
      const reconnects = !isSameSession(stored, settings);
      const { preferencesSynced } = await client.save(settings);
      stored = settings;
      draft.value = structuredClone(settings);
      if (!preferencesSynced) feedback.value = { kind: 'info', key: 'savedNotSynced' };
      else feedback.value = { kind: 'success', key: reconnects ? 'saved' : 'savedPreferences' };
    } catch (error) {
      feedback.value = { kind: 'error', key: 'actionFailed', substitutions: [describeError(error)] };
    } finally {
      busy.value = null;
    }
  }

  async function testConnection(): Promise<void> {
    if (!client || busy.value) return;
    const settings = prepare();
    if (!settings) return;
    busy.value = 'testing';
    testResults.value = [];
    feedback.value = null;
    try {
      if (!(await ensurePermission(settings))) return;
      // A step reported again (a wait that ended) replaces its line; a new step is added at the end.
      await client.testConnection(settings, (result) => {
        const index = testResults.value.findIndex((shown) => shown.step === result.step);
        testResults.value = index === -1 ? [...testResults.value, result] : testResults.value.with(index, result);
      });
    } finally {
      busy.value = null;
    }
  }

  async function forget(): Promise<void> {
    if (!client || busy.value) return;
    busy.value = 'forgetting';
    try {
      await client.forget();
      // Only the connection is forgotten; the stored preferences stay as they are.
      stored = getEffectiveSettings({ ...DEFAULT_SETTINGS, ...pickPreferences(stored) }, managed.value);
      draft.value = structuredClone(stored);
      testResults.value = [];
      errors.value = {};
      feedback.value = { kind: 'info', key: 'signedOutDone' };
    } finally {
      busy.value = null;
    }
  }

  const openShortcutSettings = () => client?.openShortcutSettings().catch(() => {});

  return {
    shortcut,
    openShortcutSettings,
    draft,
    managed,
    errors,
    feedback,
    busy,
    testResults,
    snapshot,
    canSilence,
    isLocked,
    connect,
    save,
    testConnection,
    forget,
  };
});
