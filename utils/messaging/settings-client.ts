/** What the options page needs from the browser and the background; the edge its store is tested through. */
import type { TestStepResult } from '../connection/connection-test';
import type { Settings, SettingsInForce } from '../settings/settings';
import type { Snapshot } from '../snapshot/snapshot';

export interface SettingsClient {
  /** The settings in force (policy applied) and the fields an administrator set by policy. */
  load(): Promise<SettingsInForce>;
  /** Saves; `preferencesSynced` is false when `storage.sync` refused the preferences (kept here, sent later). */
  save(settings: Settings): Promise<{ preferencesSynced: boolean }>;
  /** Asks for host permission to reach `url`; must be called straight from a click (a user gesture). */
  requestPermission(url: string): Promise<boolean>;
  /** Settings changed elsewhere (another window, the background, another browser's synced preferences). */
  watch(callback: (loaded: SettingsInForce) => void): () => void;
  testConnection(settings: Settings, onStep: (result: TestStepResult) => void): Promise<boolean>;
  /** Forgets the server and sign-in (preferences stay); the background clears counts, notices and notifications. */
  forget(): Promise<void>;
  getSnapshot(): Promise<Snapshot>;
  onSnapshotChanged(callback: (snapshot: Snapshot) => void): () => void;
  /** The popup's keyboard shortcut, or null when the user removed it. */
  getShortcut(): Promise<string | null>;
  /** Opens the browser's page for extension shortcuts. */
  openShortcutSettings(): Promise<void>;
  /** Firefox notifications have no silent option, so the sound switch is hidden there. */
  canSilenceNotifications: boolean;
}
