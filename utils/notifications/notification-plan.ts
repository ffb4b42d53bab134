/** Which OS notifications a batch of arrived events becomes: singles, or one summary instead of a flood. */
import type { Category } from '../protocol/categories';
import type { ItemId } from '../protocol/wire';
import type { QuietHours, Settings } from '../settings/settings';

export interface ArrivedNotice {
  category: Category;
  /** The item's id, when the server sent one: what a notification's "Mark read" marks. */
  id?: ItemId | null;
  title: string;
  content: string;
  url: string | null;
  /** Replayed after a reconnect, or found by a resync: never worth a notification each. */
  catchUp: boolean;
  /** How many events this entry stands for (default 1). An entry for more than one has no text of its own. */
  count?: number;
}

export type PlannedNotification =
  | { kind: 'single'; category: Category; id: ItemId | null; title: string; content: string; url: string | null }
  | { kind: 'summary'; count: number; categories: Category[] };

/** Up to this many live events in one batch get a notification each; more become one summary. */
export const MAX_SINGLES_PER_BATCH = 3;

function toMinutes(time: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes < 24 * 60 ? minutes : null;
}

/** Quiet hours may wrap midnight (22:00–07:00); `from === to` means never quiet. */
export function isQuietTime(quiet: QuietHours, date: Date): boolean {
  if (!quiet.enabled) return false;
  const from = toMinutes(quiet.from);
  const to = toMinutes(quiet.to);
  if (from === null || to === null || from === to) return false;
  const now = date.getHours() * 60 + date.getMinutes();
  return from < to ? now >= from && now < to : now >= from || now < to;
}

export function planNotifications(
  batch: readonly ArrivedNotice[],
  settings: Pick<Settings, 'notify' | 'quietHours'>,
  now: Date,
): PlannedNotification[] {
  if (isQuietTime(settings.quietHours, now)) return [];
  const wanted = batch.filter((notice) => settings.notify[notice.category]);
  const live = wanted.filter((notice) => !notice.catchUp);
  const catchUp = wanted.filter((notice) => notice.catchUp);
  const plans: PlannedNotification[] = [];
  const countOf = (notices: ArrivedNotice[]) => notices.reduce((sum, notice) => sum + (notice.count ?? 1), 0);
  const summarize = (notices: ArrivedNotice[]): PlannedNotification => ({
    kind: 'summary',
    count: countOf(notices),
    categories: [...new Set(notices.map((notice) => notice.category))],
  });
  const single = (notice: ArrivedNotice): PlannedNotification => ({
    kind: 'single',
    category: notice.category,
    id: notice.id ?? null,
    title: notice.title,
    content: notice.content,
    url: notice.url,
  });

  const liveCount = countOf(live);
  const catchUpCount = countOf(catchUp);
  if (
    liveCount > MAX_SINGLES_PER_BATCH ||
    (liveCount > 0 && catchUpCount > 0) ||
    live.some((notice) => (notice.count ?? 1) > 1)
  ) {
    return [summarize(wanted)];
  }
  plans.push(...live.map(single));
  if (catchUpCount === 1) plans.push(single(catchUp[0]!));
  else if (catchUpCount > 1) plans.push(summarize(catchUp));
  return plans;
}
