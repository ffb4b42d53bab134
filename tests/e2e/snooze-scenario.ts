/** The snooze, end to end, written once for both browsers: each passes how it counts the OS notifications shown. */
import { expect, it } from 'vitest';
import { waitFor } from '../drivers/test-server';
import type { BrowserBeacon, E2eFixture } from './scenarios';

export function defineSnoozeScenario(
  f: E2eFixture<BrowserBeacon>,
  /** OS notifications shown since the test began (the first call may start the recording). */
  notificationsShown: () => Promise<number>,
): void {
  it('snooze: no notification while snoozed, the badge still counts; notifications again after', async () => {
    await notificationsShown();
    await f.signIn();
    // The user's snooze presets, a synced preference (storage.sync): the menu names and uses them.
    await f.beacon.configure({ snoozePresets: { minutes: 30, tomorrowAt: '07:30' } });
    await f.waitLive();
    await f.beacon.popupClick('[data-test=snooze-toggle]');
    // The open popup learns of the synced change from storage.onChanged, which can come after the badge went live.
    await f.popupShows('[data-test=snooze-short]', /^For 30 minutes$/);
    expect(await f.beacon.popupText('[data-test=snooze-tomorrow]')).toBe('Until tomorrow 07:30');
    const before = Date.now();
    await f.beacon.popupClick('[data-test=snooze-short]');
    await f.popupShows('[data-test=snoozed-text]', /^Snoozed until /);
    const { until } = await f.beacon.storage<{ until: number }>('snooze');
    expect(until - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(until - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    await waitFor(
      () => f.beacon.badge(),
      (badge) => badge.title.includes('\nSnoozed until '),
      'the tooltip to say snoozed',
    );
    await f.server.publish({ notice_type: 2, title: 'While snoozed' });
    await f.badgeIs('1');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await notificationsShown()).toBe(0);
    await f.beacon.popupClick('[data-test=resume]');
    await waitFor(
      () => f.beacon.badge(),
      (badge) => !badge.title.includes('Snoozed'),
      'the tooltip to drop the snooze',
    );
    await f.server.publish({ notice_type: 2, title: 'Awake again' });
    await f.badgeIs('2');
    await waitFor(notificationsShown, (count) => count === 1, 'a notification after the snooze');
  });
}
