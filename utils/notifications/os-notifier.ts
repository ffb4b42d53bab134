/**
 * OS notifications: collects arriving notices for a short window, turns the batch into singles or one summary
 * (notification-plan.ts), shows them, and opens the web app when one is clicked.
 */
import { getCategoryLabel } from '../labels/category-labels';
import type { Translate } from '../labels/message-key';
import { realClock, type Clock } from '../lib/clock';
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import type { Settings } from '../settings/settings';
import {
  MAX_SINGLES_PER_BATCH,
  planNotifications,
  type ArrivedNotice,
  type PlannedNotification,
} from './notification-plan';

/** A batch closes this long after its last notice (and at most MAX_BATCH_MS after its first). */
export const BATCH_QUIET_MS = 400;
const MAX_BATCH_MS = 2000;
export const SIGN_IN_NOTIFICATION_ID = 'beacon-sign-in';
/** One summary at a time: a new one replaces the last. */
export const SUMMARY_NOTIFICATION_ID = 'beacon-summary';
const ACTION_FAILED_NOTIFICATION_ID = 'beacon-action-failed';

/** One notification per category: a new notice replaces the category's last one instead of stacking. */
export function getCategoryNotificationId(category: Category): string {
  return `beacon-cat-${category}`;
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

/** What a notification's button asks for: open it (as a click does), or mark its item read. */
export type ButtonAction =
  { kind: 'open'; target: ClickTarget } | { kind: 'mark-read'; category: Category; id: ItemId };

/** A shown notification: where its click leads, and the item its "Mark read" button marks (singles with an id). */
interface ShownNotification {
  target: ClickTarget;
  item: { category: Category; id: ItemId } | null;
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
  private batch: ArrivedNotice[] = [];
  private settings: Settings | null = null;
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

  add(notice: ArrivedNotice, settings: Settings): void {
    this.settings = settings;
    if (!settings.notify[notice.category]) return;
    if (this.batch.length < MAX_SINGLES_PER_BATCH) this.batch.push(notice);
    else {
      // From here the batch can only become a summary: keep a count per category, not every notice, so a flood of
      // events holds a few objects for the batch window instead of one each.
      const { category, catchUp } = notice;
      const merged = this.batch.find(
        (entry) => entry.count !== undefined && entry.category === category && entry.catchUp === catchUp,
      );
      if (merged) merged.count! += notice.count ?? 1;
      else this.batch.push({ category, catchUp, title: '', content: '', url: null, count: notice.count ?? 1 });
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
    if (batch.length === 0 || !this.settings) return;
    for (const plan of planNotifications(batch, this.settings, new Date(this.clock.now()))) {
      // Creating with a shown id replaces that notification, in Chrome and in Firefox.
      const id = plan.kind === 'single' ? getCategoryNotificationId(plan.category) : SUMMARY_NOTIFICATION_ID;
      const target: ClickTarget =
        plan.kind === 'single' && plan.url
          ? { kind: 'url', url: plan.url, category: plan.category }
          : { kind: 'category', category: plan.kind === 'single' ? plan.category : null };
      // Any id the server gave, 0 included, can be marked read.
      const item = plan.kind === 'single' && plan.id !== null ? { category: plan.category, id: plan.id } : null;
      this.remember(id, { target, item });
      const silent = this.features.silent && !this.settings.sound ? { silent: true } : {};
      const buttons = this.features.buttons && plan.kind === 'single' ? { buttons: this.getButtons(item) } : {};
      await this.api.create(id, { type: 'basic', ...getNotificationText(plan, this.t), ...silent, ...buttons });
    }
  }

  /** "Open" always; "Mark read" only for an item the server gave an id. Indices match handleButtonClick. */
  private getButtons(item: ShownNotification['item']): { title: string }[] {
    const open = { title: this.t('notificationOpen') };
    return item ? [open, { title: this.t('notificationMarkRead') }] : [open];
  }

  async showSignIn(): Promise<void> {
    this.remember(SIGN_IN_NOTIFICATION_ID, { target: { kind: 'settings' }, item: null });
    await this.api.create(SIGN_IN_NOTIFICATION_ID, {
      type: 'basic',
      iconUrl: '/icon-grey/128.png',
      title: this.t('signInTitle'),
      message: this.t('signInMessage'),
    });
  }

  /** Says that a notification's action failed, and why (a sign-in problem raises the sign-in notification instead). */
  async showActionFailed(reason: string): Promise<void> {
    this.remember(ACTION_FAILED_NOTIFICATION_ID, { target: { kind: 'category', category: null }, item: null });
    await this.api.create(ACTION_FAILED_NOTIFICATION_ID, {
      type: 'basic',
      iconUrl: '/icon-grey/128.png',
      title: this.t('markReadFailedTitle'),
      message: this.t('actionFailed', reason),
    });
  }

  /** Clears every Beacon notification and pending batch. */
  async clearAll(): Promise<void> {
    this.batch = [];
    this.shown.clear();
    const shown = await this.api.getAll();
    await Promise.all(
      Object.keys(shown)
        .filter((id) => id.startsWith('beacon-'))
        .map((id) => this.api.clear(id)),
    );
  }

  /** Returns where the clicked notification leads, and clears it. */
  async handleClick(id: string): Promise<ClickTarget | null> {
    if (!id.startsWith('beacon-')) return null;
    return (await this.take(id)).target;
  }

  /** Returns what the clicked button asks for (Chrome: 0 "Open", 1 "Mark read"), and clears the notification. */
  async handleButtonClick(id: string, index: number): Promise<ButtonAction | null> {
    if (!id.startsWith('beacon-')) return null;
    const { target, item } = await this.take(id);
    if (index === 1 && item) return { kind: 'mark-read', ...item };
    return { kind: 'open', target };
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
