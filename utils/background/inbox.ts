/**
 * The popup's inbox, on the background side: pages of a category's items, and marking items read optimistically.
 * The badge drops at once; the server's `kind: "read"` event (protocol §6) or a refetch confirms the count; a failed
 * request puts the count back and rethrows, so the popup rolls its row back. Runs inside an account session, whose
 * abort signal drops answers that arrive for an account no longer in use.
 */
import { ApiError, type ApiClient } from '../connection/api-client';
import type { ConnectionReason } from '../connection/connection-reason';
import type { MarkReadTarget } from '../messaging/protocol-map';
import { getVisibleCategories, type Category } from '../protocol/categories';
import { INBOX_PAGE_SIZE, type ItemPage } from '../snapshot/inbox-item';
import type { Snapshot } from '../snapshot/snapshot';

/** What the inbox needs of the account session it runs in. */
export interface InboxContext {
  api: ApiClient;
  signal: AbortSignal;
  host: { getSnapshot(): Snapshot; update(change: Partial<Snapshot>): void };
  /** Marks the category's count as set now, so a refetch that started earlier cannot overwrite it. */
  bumpVersion(category: Category): void;
  /** Refetches the category's count (coalesced); rejects when that fails. */
  refetch(category: Category): Promise<void>;
  /** A 401/403 signs out, as on every REST call (protocol §7.4). */
  signOut(reason: ConnectionReason): void;
  /** Items of a page dropped for a missing or unusable id: counted in diagnostics. */
  countRefusedItems(count: number): void;
}

export interface Inbox {
  /** Marks whole categories read (one, or every visible one with unread items); the counts drop once the server agrees. */
  markRead(target: MarkReadTarget): Promise<void>;
  getItemPage(category: Category, page: number): Promise<ItemPage>;
  /** Marks unread items read: the count drops before the request and comes back if it fails (rethrown). */
  markItemsRead(category: Category, ids: string[]): Promise<void>;
}

export function createInbox(context: InboxContext): Inbox {
  const { api, signal, host } = context;

  /** Sets one category's count from its current value; returns by how much it went down. */
  const setCount = (category: Category, next: (count: number) => number): number => {
    const { counts } = host.getSnapshot();
    const before = counts[category];
    const after = next(before);
    context.bumpVersion(category);
    host.update({ counts: { ...counts, [category]: after } });
    return before - after;
  };

  const signOutOnAuthError = (error: unknown): never => {
    if (error instanceof ApiError && error.isAuthError && !signal.aborted) context.signOut(error.reason);
    throw error;
  };

  return {
    async markRead(target) {
      const snapshot = host.getSnapshot();
      const categories =
        target === 'all'
          ? getVisibleCategories(snapshot.role).filter((category) => snapshot.counts[category] > 0)
          : [target];
      await Promise.all(categories.map((category) => api.markRead(category))).catch(signOutOnAuthError);
      if (signal.aborted) return;
      for (const category of categories) setCount(category, () => 0);
    },

    async getItemPage(category, page) {
      const answer = await api.getCategoryPage(category, page, INBOX_PAGE_SIZE, signal).catch(signOutOnAuthError);
      if (answer.refusedItems && !signal.aborted) context.countRefusedItems(answer.refusedItems);
      return answer;
    },

    async markItemsRead(category, ids) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return;
      const dropped = setCount(category, (count) => Math.max(0, count - unique.length));
      try {
        await api.markItemsRead(category, unique);
      } catch (error) {
        if (!signal.aborted) {
          setCount(category, (count) => count + dropped);
          // Another client may have changed the count meanwhile: the server's number settles it.
          void context.refetch(category).catch(() => {});
        }
        signOutOnAuthError(error);
      }
      // The server's read event normally confirms the count; a server that sends none is confirmed by a refetch.
      if (!signal.aborted) void context.refetch(category).catch(() => {});
    },
  };
}
