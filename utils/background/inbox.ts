/**
 * The popup's inbox, on the background side: pages of a category's items, and marking items read optimistically.
 * The badge drops at once; the server's `kind: "read"` event (protocol §6) or a refetch confirms the count; a failed
 * request puts the count back and rethrows, so the popup rolls its row back. Whole categories are marked read once
 * the server agrees. Every change goes to the reducer as an action; the inbox keeps nothing.
 */
import { getFailureReason, type ApiClient } from '../connection/api-client';
import type { MarkReadTarget } from '../messaging/protocol-map';
import { getVisibleCategories, type Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import { INBOX_PAGE_SIZE, type ItemPage } from '../snapshot/inbox-item';
import type { SessionAction } from './background-actions';
import type { AccountState } from './background-state';

/** What the inbox needs of the account session it runs in. */
export interface InboxContext {
  api: ApiClient;
  /** Aborted when the session closes: its answers no longer apply. */
  signal: AbortSignal;
  dispatch(action: SessionAction): void;
  getAccount(): AccountState | undefined;
  /** Refetches the category's count (coalesced); rejects when that fails. */
  refetch(category: Category): Promise<void>;
}

export interface Inbox {
  /** Marks whole categories read (one, or every visible one with unread items); the counts drop once the server agrees. */
  markRead(target: MarkReadTarget): Promise<void>;
  getItemPage(category: Category, page: number): Promise<ItemPage>;
  /** Marks unread items read: the count drops before the request and comes back if it fails (rethrown). */
  markItemsRead(category: Category, ids: ItemId[]): Promise<void>;
}

export function createInbox(context: InboxContext): Inbox {
  const { api, signal, dispatch } = context;
  const countOf = (category: Category) => context.getAccount()?.counts[category] ?? 0;
  /** Every failure is reported (a 401/403 signs out, protocol §7.4) and rethrown to the popup. */
  const fail = (error: unknown): never => {
    dispatch({ type: 'requestFailed', reason: getFailureReason(error), retry: false });
    throw error;
  };
  const confirm = (category: Category) => {
    if (!signal.aborted) void context.refetch(category).catch(() => {});
  };

  return {
    async markRead(target) {
      const account = context.getAccount();
      if (!account) return;
      const categories =
        target === 'all'
          ? getVisibleCategories(account.role).filter((category) => account.counts[category] > 0)
          : [target];
      await Promise.all(categories.map((category) => api.markRead(category))).catch(fail);
      dispatch({ type: 'categoriesRead', categories });
    },

    async getItemPage(category, page) {
      const answer = await api.getCategoryPage(category, page, INBOX_PAGE_SIZE, signal).catch(fail);
      if (answer.refusedItems) dispatch({ type: 'itemsRefused', count: answer.refusedItems });
      return answer;
    },

    async markItemsRead(category, ids) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return;
      const before = countOf(category);
      dispatch({ type: 'countAdjusted', category, by: -unique.length });
      const dropped = before - countOf(category);
      try {
        await api.markItemsRead(category, unique);
      } catch (error) {
        dispatch({ type: 'countAdjusted', category, by: dropped });
        // Another client may have changed the count meanwhile: the server's number settles it.
        confirm(category);
        fail(error);
      }
      // The server's read event normally confirms the count; a server that sends none is confirmed by a refetch.
      confirm(category);
    },
  };
}
