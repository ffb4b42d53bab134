/** The options page mounted on a fake SettingsClient (tests/unit/options*.test.ts). */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { vi } from 'vitest';
import App from '@/entrypoints/options/App.vue';
import type { TestStepResult } from '@/utils/connection/connection-test';
import {
  DEFAULT_SETTINGS,
  getEffectiveSettings,
  type ManagedSettings,
  type Settings,
  type SettingsInForce,
} from '@/utils/settings/settings';
import type { SettingsClient } from '@/utils/messaging/settings-client';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { oneAccount } from './account-snapshot';
import { useSettingsStore } from '@/utils/stores/settings-store';

export function fakeClient(settings: Settings = structuredClone(DEFAULT_SETTINGS), managed: ManagedSettings = {}) {
  let watcher: (loaded: SettingsInForce) => void = () => {};
  // As the real loader does (settings-storage.ts loadSettingsInForce): the settings in force, with the policy.
  const inForce = (local: Settings): SettingsInForce => ({ settings: getEffectiveSettings(local, managed), managed });
  const client = {
    load: vi.fn(async () => inForce(structuredClone(settings))),
    save: vi.fn(async (_: Settings) => ({ preferencesSynced: true })),
    requestPermission: vi.fn(async (_: string) => true),
    watch: (callback: (loaded: SettingsInForce) => void) => {
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
    emit: (next: Settings) => watcher(inForce(next)),
  } satisfies SettingsClient & { emit(next: Settings): void };
  return client;
}

export async function mountOptions(client = fakeClient()) {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSettingsStore().connect(client);
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, client };
}
