/**
 * What a message event or a count fetch does to an account's numbers: pure functions from (numbers, input) to the
 * change and the effects it asks for, used by the reducer (background-reducer.ts); nothing here does I/O.
 */
import type { NoticeEvent } from '../connection/notice-event';
import { canSeeCategory, type Category } from '../protocol/categories';
import type { AccountSnapshot, Notice } from '../snapshot/snapshot';

/** Events with created_at this much before the connection opened are replays (catch-up), not news. */
const CATCH_UP_SLACK_MS = 2000;
/** Without created_at, events this soon after a reconnect with Last-Event-ID are taken as replays. */
const REPLAY_WINDOW_MS = 1000;

/** The categories whose newest notice the popup shows. */
type LatestCategory = keyof AccountSnapshot['latest'];
const isLatestCategory = (category: Category): category is LatestCategory =>
  category === 'system' || category === 'manager';

type EventEffect =
  /** Raise an OS notification for this notice (the notifier decides whether and how). */
  | { type: 'announce'; category: Category; notice: Notice | null; catchUp: boolean }
  /** Refetch the category's count; `announceAfter`: then announce its newest item (legacy events carry none). */
  | { type: 'refetch'; category: Category; announceAfter: { catchUp: boolean } | null };

export interface EventOutcome {
  change: Partial<Pick<AccountSnapshot, 'counts' | 'latest'>>;
  /** The event set the count: a refetch that started before it must not overwrite it. */
  countSet: boolean;
  /** The category's newest notice, when the event carried one. */
  latest: Notice | null;
  effects: EventEffect[];
}

/** The connection facts that tell a replayed event from news. */
export interface ConnectionTiming {
  openedAt: number;
  now: number;
  /** The connection was opened with a Last-Event-ID (the server may replay). */
  resumed: boolean;
}

export function isCatchUp(notice: Notice | null, timing: ConnectionTiming): boolean {
  const created = notice?.createdAt ? Date.parse(notice.createdAt) : NaN;
  if (!Number.isNaN(created)) return created < timing.openedAt - CATCH_UP_SLACK_MS;
  return timing.resumed && timing.now - timing.openedAt < REPLAY_WINDOW_MS;
}

/** A parsed message event (protocol §7.3) applied to the snapshot. */
export function applyNoticeEvent(
  snapshot: Pick<AccountSnapshot, 'counts' | 'latest' | 'role'>,
  event: NoticeEvent,
  catchUp: boolean,
): EventOutcome {
  const { category, notice } = event;
  const outcome: EventOutcome = { change: {}, countSet: false, latest: null, effects: [] };
  if (!canSeeCategory(category, snapshot.role)) return outcome;
  const isNotice = event.kind === 'notice';
  if (event.unreadCount !== null) {
    outcome.countSet = true;
    outcome.change.counts = { ...snapshot.counts, [category]: event.unreadCount };
    if (isNotice && notice) {
      outcome.latest = notice;
      if (isLatestCategory(category)) outcome.change.latest = { ...snapshot.latest, [category]: notice };
    }
    if (isNotice) outcome.effects.push({ type: 'announce', category, notice, catchUp });
    return outcome;
  }
  // No count in the event: refetch it. A legacy `{"notice_type": n}` notification shows the refetched newest item.
  if (isNotice && notice) outcome.effects.push({ type: 'announce', category, notice, catchUp });
  outcome.effects.push({ type: 'refetch', category, announceAfter: isNotice && !notice ? { catchUp } : null });
  return outcome;
}

export interface FetchedCategory {
  category: Category;
  unreadCount: number;
  latest: Notice | null;
  /** False when an event set the count after this fetch started: the event's count is newer. */
  fresh: boolean;
}

/** Fetched counts and newest notices, applied in one change so the badge never shows a half-synced total. */
export function applyFetchedCategories(
  snapshot: Pick<AccountSnapshot, 'counts' | 'latest'>,
  fetched: FetchedCategory[],
  now: number,
): Pick<AccountSnapshot, 'counts' | 'latest' | 'lastSyncedAt'> {
  const counts = { ...snapshot.counts };
  const latest = { ...snapshot.latest };
  for (const entry of fetched) {
    // Not fresh: an event set the count after this request started, and that event's notice is the newer one.
    if (!entry.fresh) continue;
    counts[entry.category] = entry.unreadCount;
    if (isLatestCategory(entry.category)) latest[entry.category] = entry.latest;
  }
  return { counts, latest, lastSyncedAt: now };
}

/** After a resync: how many unread items each category gained while Beacon could not replay them. */
export function getMissedCounts(
  before: AccountSnapshot['counts'],
  after: AccountSnapshot['counts'],
  categories: Category[],
) {
  return categories
    .map((category) => ({ category, missed: after[category] - before[category] }))
    .filter(({ missed }) => missed > 0);
}
