/**
 * OS notifications: collects arriving notices for a short window, turns the batch into singles or one summary
 * (notification-plan.ts), shows them, and opens the web app when one is clicked.
 */
import { getCategoryLabel } from '../labels/category-labels';
import type { Translate } from '../labels/message-key';
import { realClock, type Clock } from '../lib/clock';
import type { Category } from '../protocol/categories';
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

interface NotificationOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  /** Chrome only: Firefox rejects the property. */
  silent?: boolean;
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
  private sequence = 0;
  /** Click targets by notification id; lost with the worker, then a click opens the app's start page. */
  private targets = new Map<string, ClickTarget>();

  constructor(
    private readonly api: NotificationsApi,
    private readonly t: Translate,
    private readonly canSilence: boolean,
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
      const id = `beacon-${plan.kind}-${++this.sequence}-${this.clock.now()}`;
      const target: ClickTarget =
        plan.kind === 'single' && plan.url
          ? { kind: 'url', url: plan.url, category: plan.category }
          : { kind: 'category', category: plan.kind === 'single' ? plan.category : null };
      this.remember(id, target);
      const silent = this.canSilence && !this.settings.sound ? { silent: true } : {};
      await this.api.create(id, { type: 'basic', ...getNotificationText(plan, this.t), ...silent });
    }
  }

  async showSignIn(): Promise<void> {
    this.remember(SIGN_IN_NOTIFICATION_ID, { kind: 'settings' });
    await this.api.create(SIGN_IN_NOTIFICATION_ID, {
      type: 'basic',
      iconUrl: '/icon-grey/128.png',
      title: this.t('signInTitle'),
      message: this.t('signInMessage'),
    });
  }

  /** Clears every Beacon notification and pending batch. */
  async clearAll(): Promise<void> {
    this.batch = [];
    this.targets.clear();
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
    const target = this.targets.get(id) ?? { kind: 'category', category: null };
    this.targets.delete(id);
    await this.api.clear(id);
    return target;
  }

  private remember(id: string, target: ClickTarget): void {
    this.targets.set(id, target);
    // Bounded: an old notification's target falls back to the app's start page.
    if (this.targets.size > 50) this.targets.delete(this.targets.keys().next().value!);
  }
}
