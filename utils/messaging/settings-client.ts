/** What the options page needs from the browser and the background; the edge its store is tested through. */
import type { TestStepResult } from '../connection/connection-test';
import type { StoredAccount } from '../settings/accounts-model';
import type { AccountsPolicy } from '../settings/accounts-policy';
import type { Preferences, Settings } from '../settings/settings';
import type { Snapshot } from '../snapshot/snapshot';

/** What the options page edits. */
export interface AccountsInOptions {
  /** The accounts list (settings/accounts-policy.ts `getAccountsInOptions`): policy applied, unusable URLs kept. */
  accounts: StoredAccount[];
  /** Shared by every account, synced through the browser. */
  preferences: Preferences;
  policy: AccountsPolicy;
}

export interface SettingsClient {
  load(): Promise<AccountsInOptions>;
  /** Saves; `preferencesSynced` is false when `storage.sync` refused the preferences (kept here, sent later). */
  save(accounts: StoredAccount[], preferences: Preferences): Promise<{ preferencesSynced: boolean }>;
  /** Asks, in one prompt, for these origin patterns (host permissions); must be called straight from a click. */
  requestPermissions(origins: string[]): Promise<boolean>;
  /** Gives back granted host permissions no account uses any more (never the manifest's loopback ones). */
  releaseUnusedPermissions(serverUrlsInUse: string[]): Promise<void>;
  /** Settings changed elsewhere (another window, the background, another browser's synced preferences). */
  watch(callback: (loaded: AccountsInOptions) => void): () => void;
  testConnection(settings: Settings, onStep: (result: TestStepResult) => void): Promise<boolean>;
  /** Forgets every account's server and sign-in (preferences stay); the background clears what it kept of them. */
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
