/** What the popup needs from the background and the browser: the edge its store is tested through. */
import type { MarkReadTarget } from './protocol-map';
import type { Category } from '../protocol/categories';
import type { Snapshot } from '../snapshot/snapshot';
import type { InboxCache, ItemPage } from '../snapshot/inbox-item';

export interface PopupClient {
  getSnapshot(): Promise<Snapshot>;
  markRead(target: MarkReadTarget): Promise<void>;
  reconnect(): Promise<void>;
  /** One page of a category's items (the background fetches it: the token stays there). */
  getItems(category: Category, page: number): Promise<ItemPage>;
  markItemsRead(category: Category, ids: string[]): Promise<void>;
  /** Keeps the lists shown, so a reopened popup shows them at once. */
  saveInboxCache(cache: InboxCache): Promise<void>;
  /** Calls back with every snapshot the background pushes; returns an unsubscribe function. */
  onSnapshotChanged(callback: (snapshot: Snapshot) => void): () => void;
  /** Opens the web app (at a category's page when given) in a tab. */
  openApp(category: Category | null): Promise<void>;
  openUrl(url: string): Promise<void>;
  openSettings(): Promise<void>;
}
