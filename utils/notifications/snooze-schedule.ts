/**
 * Ends a snooze on time: an alarm at its end wakes a stopped service worker (Chrome stops idle workers after 30 s, and
 * alarms may be lost on a browser restart, so it is set again on every worker start). Browser APIs are injected.
 */
import type { Clock } from '../lib/clock';
import { isSnoozed, type Snooze } from '../settings/snooze';

export const SNOOZE_ALARM = 'beacon-snooze-end';

/** The part of `browser.alarms` this needs. */
interface AlarmsApi {
  create(name: string, info: { when: number }): Promise<void> | void;
  clear(name: string): Promise<boolean> | boolean;
}

/**
 * Makes the alarm match the snooze; returns the snooze still in force (null when it has ended, so the caller clears
 * the stored one).
 */
async function scheduleSnoozeEnd(alarms: AlarmsApi, snooze: Snooze | null, now: number): Promise<Snooze | null> {
  if (!isSnoozed(snooze, now)) {
    await alarms.clear(SNOOZE_ALARM);
    return null;
  }
  if (snooze!.until === null) await alarms.clear(SNOOZE_ALARM);
  else await alarms.create(SNOOZE_ALARM, { when: snooze!.until });
  return snooze;
}

export interface SnoozeKeeperDeps {
  alarms: AlarmsApi;
  load(): Promise<Snooze | null>;
  save(snooze: Snooze | null): Promise<void>;
  clock: Clock;
  /** The snooze in force now (null: none), after every refresh. */
  onChange(snooze: Snooze | null): void;
}

/**
 * Keeps the snooze on time: `refresh()` reads it (or takes the value storage just reported), sets the alarm to its
 * end, clears a stored snooze that ended while nothing ran, and reports the one in force.
 */
export function createSnoozeKeeper(deps: SnoozeKeeperDeps) {
  return {
    async refresh(reported?: Snooze | null): Promise<void> {
      const stored = reported === undefined ? await deps.load() : reported;
      const inForce = await scheduleSnoozeEnd(deps.alarms, stored, deps.clock.now());
      if (stored !== null && inForce === null) await deps.save(null);
      deps.onChange(inForce);
    },
  };
}
