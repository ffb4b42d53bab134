/**
 * Ends a snooze on time: an alarm at its end wakes a stopped service worker (Chrome stops idle workers after 30 s, and
 * alarms may be lost on a browser restart, so it is set again on every worker start). Browser APIs are injected.
 */
import { isSnoozed, type Snooze } from '../settings/snooze';

export const SNOOZE_ALARM = 'beacon-snooze-end';

/** The part of `browser.alarms` this needs. */
export interface AlarmsApi {
  create(name: string, info: { when: number }): Promise<void> | void;
  clear(name: string): Promise<boolean> | boolean;
}

/**
 * Makes the alarm match the snooze; returns the snooze still in force (null when it has ended, so the caller clears
 * the stored one).
 */
export async function scheduleSnoozeEnd(alarms: AlarmsApi, snooze: Snooze | null, now: number): Promise<Snooze | null> {
  if (!isSnoozed(snooze, now)) {
    await alarms.clear(SNOOZE_ALARM);
    return null;
  }
  if (snooze!.until === null) await alarms.clear(SNOOZE_ALARM);
  else await alarms.create(SNOOZE_ALARM, { when: snooze!.until });
  return snooze;
}
