/** What the popup and options pages need from the background and the browser; the messaging edge. */
import type { MarkReadTarget } from '../background/background-core';
import type { Category } from '../protocol/categories';
import type { Snapshot } from '../snapshot/snapshot';

export interface BeaconClient {
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
