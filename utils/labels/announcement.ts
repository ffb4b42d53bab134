/**
 * What the popup's one polite live region says when its state changes: the connection's new state, a mark read that
 * went through, a snooze begun or ended. Failures are not here: they are alerts of their own.
 */
import type { ConnectionStatus } from '../snapshot/snapshot';
import type { Translate } from './message-key';
import { getStatusLabel } from './status-labels';

/** The parts of the popup's state a screen reader is told about when they change. */
export interface AnnouncedState {
  status: ConnectionStatus | null;
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
  if (before.status !== null && after.status !== null && after.status !== before.status)
    return getStatusLabel(after.status, t);
  return null;
}
