/**
 * What a click on a notification, or on one of its buttons, does: open the item (through `openPage`, which applies
 * the one URL rule, `getOpenUrl`), open the settings, or mark the item read through the inbox (the badge drops at once). The browser's
 * listeners call these; so do the end-to-end tests, since automation cannot click an OS notification.
 */
import { describeError } from '../lib/errors';
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import type { OpenTarget } from '../settings/app-url';
import type { ClickTarget, OsNotifier } from './os-notifier';

export interface NotificationActionDeps {
  notifier: Pick<OsNotifier, 'handleClick' | 'handleButtonClick' | 'showActionFailed'>;
  /** Opens the page for a target with the one URL rule and that account's settings in force (the popup's path too). */
  openPage(account: string, target: OpenTarget): Promise<void>;
  openOptionsPage(): Promise<void>;
  /** The inbox's optimistic mark-read: the count drops before the request, comes back (and rejects) on failure. */
  markItemsRead(account: string, category: Category, ids: ItemId[]): Promise<void>;
  /** True when the account's server refused the sign-in: then the user is invited to sign in again, not shown an error. */
  isSignedOut(account: string): boolean;
  /** Shows the account's sign-in notification again. */
  showSignIn(account: string): Promise<void>;
  log: { warn(message: string): void };
}

export interface NotificationActions {
  onClicked(id: string): Promise<void>;
  onButtonClicked(id: string, index: number): Promise<void>;
}

export function createNotificationActions(deps: NotificationActionDeps): NotificationActions {
  const open = async (account: string, target: ClickTarget) => {
    if (target.kind === 'settings') return deps.openOptionsPage();
    await deps.openPage(account, target);
  };

  const markRead = async (account: string, category: Category, id: ItemId) => {
    try {
      await deps.markItemsRead(account, category, [id]);
    } catch (error) {
      deps.log.warn(`marking an item read from a notification: ${describeError(error)}`);
      if (deps.isSignedOut(account)) await deps.showSignIn(account);
      else await deps.notifier.showActionFailed(account, describeError(error));
    }
  };

  return {
    async onClicked(id) {
      const clicked = await deps.notifier.handleClick(id);
      if (clicked) await open(clicked.account, clicked.target);
    },
    async onButtonClicked(id, index) {
      const action = await deps.notifier.handleButtonClick(id, index);
      if (action?.kind === 'open') await open(action.account, action.target);
      else if (action?.kind === 'mark-read') await markRead(action.account, action.category, action.id);
    },
  };
}
