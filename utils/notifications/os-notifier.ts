/**
 * OS notifications: collects arriving notices for a short window, turns the batch into singles or one summary
 * (notification-plan.ts), shows them, and opens the web app when one is clicked.
 */
import { getCategoryLabel } from '../labels/category-labels';
import type { Translate } from '../labels/message-key';
import { realClock, type Clock } from '../lib/clock';
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import { getAccountName, type AccountSettings } from '../settings/accounts';
import {
  MAX_SINGLES_PER_BATCH,
  planNotifications,
  type ArrivedNotice,
  type PlannedNotification,
} from './notification-plan';

/** A batch closes this long after its last notice (and at most MAX_BATCH_MS after its first). */
export const BATCH_QUIET_MS = 400;
const MAX_BATCH_MS = 2000;
const PREFIX = 'beacon-';

/**
 * A notification's id: what it is, and its account's id after the first "@" (what it is never holds one), so a click
 * acts on that account even after the worker restarted and forgot what it showed.
 */
export function getNotificationId(kind: NotificationKind, account: string): string {
  return `${PREFIX}${kind}@${account}`;
}

/** One per category and account (a new notice replaces the last instead of stacking), one summary, one sign-in. */
type NotificationKind = `cat-${Category}` | 'summary' | 'sign-in' | 'action-failed';

/** The account a notification id of Beacon's names; null for another extension's or an older version's id. */
function getNotificationAccount(id: string): string | null {
  if (!id.startsWith(PREFIX)) return null;
  const at = id.indexOf('@');
  return at === -1 ? null : id.slice(at + 1);
}

interface NotificationOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  /** Chrome only: Firefox rejects the property. */
  silent?: boolean;
  /** Chrome only (at most two): Firefox notifications are `basic` without buttons. */
  buttons?: { title: string }[];
}

/** What the browser's notifications can do beyond title, text and icon. */
export interface NotifierFeatures {
  /** `silent: true` (Chrome). */
  silent: boolean;
  /** Action buttons (Chrome); without them a click opens the item. */
  buttons: boolean;
}

export interface NotificationsApi {
  create(id: string, options: NotificationOptions): Promise<unknown>;
  clear(id: string): Promise<unknown>;
  getAll(): Promise<Record<string, unknown>>;
}

/** Where a click on a notification leads. */
export type ClickTarget =
  | { kind: 'url'; url: string; category: Category }
  | { kind: 'category'; category: Category | null }
  | { kind: 'settings' };

/** What a click asks for: where it leads, and the account it belongs to. */
export interface Clicked {
  account: string;
  target: ClickTarget;
}

/** What a notification's button asks for: open it (as a click does), or mark its item read; on its account. */
export type ButtonAction = { account: string } & (
  { kind: 'open'; target: ClickTarget } | { kind: 'mark-read'; category: Category; id: ItemId }
);

/** A shown notification: where its click leads, and the item its "Mark read" button marks (singles with an id). */
interface ShownNotification {
  target: ClickTarget;
  item: { category: Category; id: ItemId } | null;
}

/** An arrived notice and the account it came from. */
type BatchEntry = ArrivedNotice & { account: string };

/** What a batch is shown with: the account's settings, and whether its name goes into the title (several accounts). */
interface AccountContext {
  settings: AccountSettings;
  named: boolean;
}

const CATEGORY_ICONS: Record<Category, string> = {
  likes: '/notification-icons/likes.png',
  stars: '/notification-icons/stars.png',
  comments: '/notification-icons/comments.png',
  system: '/notification-icons/system.png',
  manager: '/notification-icons/manager.png',
  report_email: '/notification-icons/report_email.png',
};

function getNotificationText(
  plan: PlannedNotification,
  t: Translate,
): { title: string; message: string; iconUrl: string } {
  if (plan.kind === 'summary') {
    return {
      title: t('summaryTitle', String(plan.count)),
      message: plan.categories.map((category) => getCategoryLabel(category, t)).join(', '),
      iconUrl: '/icon/128.png',
    };
  }
  const label = getCategoryLabel(plan.category, t);
  return {
    title: plan.title || t('newInCategory', label),
    message: plan.content || (plan.title ? label : t('openToRead')),
    iconUrl: CATEGORY_ICONS[plan.category],
  };
}

export class OsNotifier {
  private batch: BatchEntry[] = [];
  /** The latest settings each account announced with (preferences are shared, but the app URL and name are not). */
  private readonly accounts = new Map<string, AccountContext>();
  private quietTimer: unknown = null;
  private maxTimer: unknown = null;
  /** Click targets by notification id; lost with the worker, then a click opens the app's start page. */
  private shown = new Map<string, ShownNotification>();

  constructor(
    private readonly api: NotificationsApi,
    private readonly t: Translate,
    private readonly features: NotifierFeatures,
    private readonly clock: Clock = realClock,
  ) {}

  /** `named`: several accounts are set up, so the title names the account. */
  add(notice: ArrivedNotice, settings: AccountSettings, named = false): void {
    const account = settings.id;
    this.accounts.set(account, { settings, named });
    if (!settings.notify[notice.category]) return;
    const ofAccount = this.batch.filter((entry) => entry.account === account);
    if (ofAccount.length < MAX_SINGLES_PER_BATCH) this.batch.push({ ...notice, account });
    else {
      // From here the account's batch can only become a summary: keep a count per category, not every notice, so a
      // flood of events holds a few objects for the batch window instead of one each.
      const { category, catchUp } = notice;
      const merged = ofAccount.find(
        (entry) => entry.count !== undefined && entry.category === category && entry.catchUp === catchUp,
      );
      if (merged) merged.count! += notice.count ?? 1;
      else this.batch.push({ account, category, catchUp, title: '', content: '', url: null, count: notice.count ?? 1 });
    }
    if (this.quietTimer !== null) this.clock.clearTimeout(this.quietTimer);
    this.quietTimer = this.clock.setTimeout(() => void this.flush(), BATCH_QUIET_MS);
    this.maxTimer ??= this.clock.setTimeout(() => void this.flush(), MAX_BATCH_MS);
  }

  async flush(): Promise<void> {
    for (const timer of [this.quietTimer, this.maxTimer]) if (timer !== null) this.clock.clearTimeout(timer);
    this.quietTimer = this.maxTimer = null;
    const batch = this.batch;
    this.batch = [];
    // Each account's notices are planned apart: a summary never mixes accounts, and each opens its own web app.
    for (const account of new Set(batch.map((entry) => entry.account))) {
      const context = this.accounts.get(account);
      const notices = batch.filter((entry) => entry.account === account);
      if (context) await this.show(account, context, notices);
    }
  }

  private async show(account: string, { settings, named }: AccountContext, notices: ArrivedNotice[]): Promise<void> {
    for (const plan of planNotifications(notices, settings, new Date(this.clock.now()))) {
      // Creating with a shown id replaces that notification, in Chrome and in Firefox.
      const id = getNotificationId(plan.kind === 'single' ? `cat-${plan.category}` : 'summary', account);
      const target: ClickTarget =
        plan.kind === 'single' && plan.url
          ? { kind: 'url', url: plan.url, category: plan.category }
          : { kind: 'category', category: plan.kind === 'single' ? plan.category : null };
      // Any id the server gave, 0 included, can be marked read.
      const item = plan.kind === 'single' && plan.id !== null ? { category: plan.category, id: plan.id } : null;
      this.remember(id, { target, item });
      const silent = this.features.silent && !settings.sound ? { silent: true } : {};
      const buttons = this.features.buttons && plan.kind === 'single' ? { buttons: this.getButtons(item) } : {};
      const text = getNotificationText(plan, this.t);
      const title = named ? this.getNamedTitle(settings, text.title) : text.title;
      await this.api.create(id, { type: 'basic', ...text, title, ...silent, ...buttons });
    }
  }

  /** With several accounts, a title starts with the account's name (label, else host): whose news this is. */
  private getNamedTitle(account: AccountSettings, title: string): string {
    return this.t('accountTitle', [getAccountName(account), title]);
  }

  /** "Open" always; "Mark read" only for an item the server gave an id. Indices match handleButtonClick. */
  private getButtons(item: ShownNotification['item']): { title: string }[] {
    const open = { title: this.t('notificationOpen') };
    return item ? [open, { title: this.t('notificationMarkRead') }] : [open];
  }

  /** Invites to sign in to this account again (one per account); with several, the title names it. */
  async showSignIn(account: AccountSettings, named = false): Promise<void> {
    const id = getNotificationId('sign-in', account.id);
    this.remember(id, { target: { kind: 'settings' }, item: null });
    const title = this.t('signInTitle');
    await this.api.create(id, {
      type: 'basic',
      iconUrl: '/icon-grey/128.png',
      title: named ? this.getNamedTitle(account, title) : title,
      message: this.t('signInMessage'),
    });
  }

  /** Says that a notification's action failed, and why (a sign-in problem raises the sign-in notification instead). */
  async showActionFailed(account: string, reason: string): Promise<void> {
    const id = getNotificationId('action-failed', account);
    this.remember(id, { target: { kind: 'category', category: null }, item: null });
    await this.api.create(id, {
      type: 'basic',
      iconUrl: '/icon-grey/128.png',
      title: this.t('markReadFailedTitle'),
      message: this.t('actionFailed', reason),
    });
  }

  /** Clears every Beacon notification and pending batch. */
  async clearAll(): Promise<void> {
    await this.clearWhere(() => true);
  }

  /** Clears one account's notifications and pending notices (the account was removed, or its server changed). */
  async clearAccount(account: string): Promise<void> {
    this.accounts.delete(account);
    await this.clearWhere((owner) => owner === account);
  }

  private async clearWhere(isCleared: (account: string | null) => boolean): Promise<void> {
    this.batch = this.batch.filter((entry) => !isCleared(entry.account));
    for (const id of [...this.shown.keys()]) if (isCleared(getNotificationAccount(id))) this.shown.delete(id);
    const shown = await this.api.getAll();
    await Promise.all(
      Object.keys(shown)
        .filter((id) => id.startsWith(PREFIX) && isCleared(getNotificationAccount(id)))
        .map((id) => this.api.clear(id)),
    );
  }

  /** Returns where the clicked notification leads and on which account, and clears it. */
  async handleClick(id: string): Promise<Clicked | null> {
    const account = getNotificationAccount(id);
    if (account === null) return null;
    return { account, target: (await this.take(id)).target };
  }

  /** Returns what the clicked button asks for (Chrome: 0 "Open", 1 "Mark read"), and clears the notification. */
  async handleButtonClick(id: string, index: number): Promise<ButtonAction | null> {
    const account = getNotificationAccount(id);
    if (account === null) return null;
    const { target, item } = await this.take(id);
    if (index === 1 && item) return { account, kind: 'mark-read', ...item };
    return { account, kind: 'open', target };
  }

  private async take(id: string): Promise<ShownNotification> {
    const shown = this.shown.get(id) ?? { target: { kind: 'category', category: null }, item: null };
    this.shown.delete(id);
    await this.api.clear(id);
    return shown;
  }

  private remember(id: string, shown: ShownNotification): void {
    this.shown.delete(id); // a replaced notification moves to the newest end
    this.shown.set(id, shown);
    // Bounded: an old notification's target falls back to the app's start page.
    if (this.shown.size > 50) this.shown.delete(this.shown.keys().next().value!);
  }
}
