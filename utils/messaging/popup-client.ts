/** What the popup needs from the background and the browser: the edge its store is tested through. */
import type { MarkReadTarget } from './protocol-map';
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import type { OpenTarget } from '../settings/app-url';
import type { Snapshot } from '../snapshot/snapshot';
import type { InboxCache, ItemPage } from '../snapshot/inbox-item';
import type { Snooze, SnoozePresets } from '../settings/snooze';

export interface PopupClient {
  getSnapshot(): Promise<Snapshot>;
  markRead(account: string, target: MarkReadTarget): Promise<void>;
  reconnect(account: string): Promise<void>;
  /** One page of a category's items (the background fetches it: the token stays there). */
  getItems(account: string, category: Category, page: number): Promise<ItemPage>;
  /** Marks items read, each id in the type the server gave it. */
  markItemsRead(account: string, category: Category, ids: ItemId[]): Promise<void>;
  /** Keeps the lists shown (every account's), so a reopened popup shows them at once. */
  saveInboxCache(cache: InboxCache): Promise<void>;
  /** Starts (or, with null, ends) a snooze; the background follows the stored value. */
  setSnooze(snooze: Snooze | null): Promise<void>;
  /** Calls back when the snooze changes (set elsewhere, or ended by its alarm); returns an unsubscribe function. */
  onSnoozeChanged(callback: (snooze: Snooze | null) => void): () => void;
  /** Calls back when the snooze presets change (options page, or synced from another browser). */
  onSnoozePresetsChanged(callback: (presets: SnoozePresets) => void): () => void;
  /** Calls back with every snapshot the background pushes; returns an unsubscribe function. */
  onSnapshotChanged(callback: (snapshot: Snapshot) => void): () => void;
  /** Asks the background to open a page (it decides the URL, with the one rule), then closes the popup. */
  open(account: string, target: OpenTarget): Promise<void>;
  openSettings(): Promise<void>;
}
