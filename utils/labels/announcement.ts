/**
 * What the popup's one polite live region says when its state changes: an account's new connection state, a mark read
 * that went through, a snooze begun or ended. Failures are not here: they are alerts of their own.
 */
import type { ConnectionStatus } from '../snapshot/snapshot';
import type { Translate } from './message-key';
import { getStatusLabel } from './status-labels';

/** One account's state as the live region knows it: its id (to match it across updates), name and status. */
export interface AnnouncedAccount {
  id: string;
  name: string;
  status: ConnectionStatus;
}

/** The parts of the popup's state a screen reader is told about when they change. */
export interface AnnouncedState {
  /**
   * Each account's state in the user's order; one 'unconfigured' entry when none is set up; null before the popup
   * learns anything.
   */
  accounts: readonly AnnouncedAccount[] | null;
  /** A mark read (all, a category, an item) is waiting for the server. */
  marking: boolean;
  /** The last mark read failed and was rolled back (shown as an alert). */
  markFailed: boolean;
  /** The snooze line ("Snoozed until 08:00"), or null when not snoozed. */
  snoozed: string | null;
}

/** The sentence for the change from `before` to `after`, or null when nothing worth saying changed. */
export function getAnnouncement(before: AnnouncedState, after: AnnouncedState, t: Translate): string | null {
  if (after.snoozed !== null && before.snoozed === null) return after.snoozed;
  if (after.snoozed === null && before.snoozed !== null) return t('announceSnoozeEnded');
  if (before.marking && !after.marking && !after.markFailed) return t('announceMarkedRead');
  // The first state the popup learns is what it shows, not a change.
  if (before.accounts === null || after.accounts === null) return null;
  return getStatusChange(before.accounts, after.accounts, t);
}

/**
 * One account (or none set up) on both sides: its new state alone, as the single-account popup always said it (set up
 * → "Connecting" included). Several: each account whose state changed, by name, in the user's order; an account just
 * added is not news (its line shows it), one removed says nothing.
 */
function getStatusChange(
  before: readonly AnnouncedAccount[],
  after: readonly AnnouncedAccount[],
  t: Translate,
): string | null {
  const [first] = after;
  if (before.length === 1 && after.length === 1 && first) {
    return first.status === before[0]!.status ? null : getStatusLabel(first.status, t);
  }
  const named = after.length > 1;
  const changes = after.flatMap((account) => {
    const previous = before.find(({ id }) => id === account.id);
    if (!previous || previous.status === account.status) return [];
    const label = getStatusLabel(account.status, t);
    return [named ? t('announceAccountStatus', [account.name, label]) : label];
  });
  return changes.length > 0 ? changes.join(t('announceSeparator')) : null;
}
