/** The messages between the extension pages and the background: types only, shared by both sides. */
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import type { OpenTarget } from '../settings/app-url';
import type { Snapshot } from '../snapshot/snapshot';
import type { ItemPage } from '../snapshot/inbox-item';

/** Mark read: one category, or every visible category with unread items. */
export type MarkReadTarget = Category | 'all';

/** An account, by its id (`AccountSettings.id`): every account-specific message names one. */
interface ForAccount {
  account: string;
}

/**
 * Every account-specific message names its account by id; an id the background does not hold rejects with a clear
 * error (a popup open while the account was removed).
 */
export interface ProtocolMap {
  /** The background's current snapshot (every account). */
  getSnapshot(): Snapshot;
  /** Marks a category (or every visible one) read on the account's server; rejects with the server's error. */
  markRead(request: ForAccount & { target: MarkReadTarget }): void;
  /** One page of a category's items, fetched by the background (which holds the token). */
  getItems(request: ForAccount & { category: Category; page: number }): ItemPage;
  /** Marks items read; the badge drops at once; rejects (and the count comes back) when the server refuses. */
  markItemsRead(request: ForAccount & { category: Category; ids: ItemId[] }): void;
  /**
   * Opens a page for the popup: the background picks the URL with the one rule (`getOpenUrl`) and that account's
   * settings in force, so a server's URL reaches a tab only where a notification click could send it too.
   */
  openPage(request: ForAccount & OpenTarget): void;
  /** "Retry now": reconnect immediately, also out of a signed-out or stopped state; no account: every one. */
  reconnect(request?: Partial<ForAccount>): void;
  /** Background → open pages: the snapshot changed. No page open is normal. */
  snapshotChanged(snapshot: Snapshot): void;
}
