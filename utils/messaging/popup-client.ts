/** What the popup needs from the background and the browser: the edge its store is tested through. */
import type { MarkReadTarget } from './protocol-map';
import type { Category } from '../protocol/categories';
import type { Snapshot } from '../snapshot/snapshot';

export interface PopupClient {
  getSnapshot(): Promise<Snapshot>;
  markRead(target: MarkReadTarget): Promise<void>;
  reconnect(): Promise<void>;
  /** Calls back with every snapshot the background pushes; returns an unsubscribe function. */
  onSnapshotChanged(callback: (snapshot: Snapshot) => void): () => void;
  /** Opens the web app (at a category's page when given) in a tab. */
  openApp(category: Category | null): Promise<void>;
  openUrl(url: string): Promise<void>;
  openSettings(): Promise<void>;
}
