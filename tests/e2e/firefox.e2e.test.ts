/**
 * Beacon in real Firefox (MV2 background page, browserAction) against the reference server. Firefox's background
 * page is persistent, so there is no worker-lifetime scenario here.
 */
import { describe, expect, it } from 'vitest';
import { hasBrowser } from '../drivers/browsers';
import { FirefoxBeacon } from '../drivers/firefox';
import { STYLED_POPUP, defineSharedScenarios, getAppliedStyle, useE2eFixture } from './scenarios';
import { defineSecureCookieScenario } from './secure-cookie-scenario';
import { defineHostileLinkScenarios } from './hostile-links-scenario';
import { defineSnoozeScenario } from './snooze-scenario';
import { defineAccountsOptionsScenario } from './accounts-options-scenario';
import { defineAccountsScenario } from './accounts-scenario';
import { USER, waitFor } from '../drivers/test-server';

describe.skipIf(!hasBrowser('firefox'))('Firefox', () => {
  const f = useE2eFixture('firefox', () => FirefoxBeacon.launch());
  defineSharedScenarios(f, {
    // Headless Firefox closes each notification at once: count the ones closed (shown) since the first call.
    signInNotifications: async () =>
      (await f.beacon.notificationsShown()).filter((id) => id === 'beacon-sign-in@main').length,
  });

  // The tests of this file share one browser (a launch per test cost a minute and a half of the suite); this proves
  // that what one test leaves behind does not reach the next.
  it('a reinstall between tests keeps nothing: both storage areas, cookies and tabs start empty again', async () => {
    await f.signIn();
    await f.waitLive();
    await f.beacon.evaluateInBackground('background.browser.storage.sync.set({ leftOver: 1 })');
    await f.beacon.openWebPage(`${f.server.url}/`);
    await f.beacon.browser.setCookie({ name: 'beacon_session', value: 'left-over', domain: '127.0.0.1', path: '/' });
    await f.beacon.reinstall();
    expect(await f.beacon.storage('settings')).toBeUndefined();
    expect(await f.beacon.storage(null, 'sync')).toEqual({});
    expect(await f.beacon.browser.cookies()).toEqual([]);
    expect((await f.beacon.tabUrls()).filter((url) => url.startsWith(f.server.url))).toEqual([]);
    await waitFor(
      () => f.beacon.badge(),
      (badge) => badge.title.includes('not set up'),
      'the unconfigured badge of a fresh install',
    );
  });

  it('raises an OS notification for a new event, and one summary for a burst', async () => {
    await f.beacon.notificationsShown(); // starts recording
    await f.signIn();
    await f.waitLive();
    await f.server.publish({ notice_type: 2, title: 'Bob commented', content: 'Nice' });
    const single = await waitFor(
      () => f.beacon.notificationsShown(),
      (ids) => ids.length === 1,
      'one notification',
    );
    expect(single[0]).toBe('beacon-cat-comments@main');
    for (let i = 0; i < 20; i++)
      await f.server.live.store.publish(USER.username, { notice_type: 0, title: `like ${i}` });
    await f.badgeIs('21');
    const all = await waitFor(
      () => f.beacon.notificationsShown(),
      (ids) => ids.length === 2,
      'a summary',
    );
    expect(all[1]).toBe('beacon-summary@main');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await f.beacon.notificationsShown()).toHaveLength(2); // no flood after the summary
  });

  it('a click on a notification opens its item (Firefox has no buttons: the click is the action)', async () => {
    await f.beacon.notificationsShown(); // starts recording
    await f.signIn();
    await f.waitLive();
    await f.server.publish({ notice_type: 2, title: 'Bob commented', url: `${f.server.url}/c/7` });
    await waitFor(
      () => f.beacon.notificationsShown(),
      (ids) => ids.includes('beacon-cat-comments@main'),
      'the notification',
    );
    await f.beacon.clickNotification('beacon-cat-comments@main');
    await waitFor(
      () => f.beacon.tabUrls(),
      (urls) => urls.includes(`${f.server.url}/c/7`),
      'the item opened in a tab',
    );
    await f.badgeIs('1'); // opening does not mark read
  });

  it('shows the counts and notices in the popup, and mark all read clears the badge', async () => {
    await f.server.publish({ notice_type: 2, title: 'comment' });
    await f.server.publish({ notice_type: 3, title: 'Maintenance tonight', content: 'Read-only 22:00–22:30' });
    await f.server.publish({ notice_type: 4, title: 'From the moderators', content: 'Please add tags' });
    await f.signIn();
    await f.badgeIs('3');
    const popup = await f.beacon.openPage('popup.html');
    await popup.waitForSelector('[data-test=latest-manager]');
    const text = (selector: string) => popup.$eval(selector, (element) => element.textContent ?? '');
    expect(await text('li[data-category=comments] [data-test=count]')).toBe('1');
    expect(await text('[data-test=latest-system]')).toContain('Maintenance tonight');
    expect(await text('[data-test=latest-manager]')).toContain('Please add tags');
    expect(await popup.evaluate(getAppliedStyle)).toEqual(STYLED_POPUP);
    await popup.click('[data-test=mark-all]');
    await f.badgeIs('');
    expect(await f.server.total()).toBe(0);
    await popup.waitForSelector('[data-test=empty]');
  });

  it('the options form points Beacon at the server', async () => {
    await f.server.publish({ notice_type: 1 });
    const options = await f.beacon.openPage('options.html');
    await options.waitForSelector('#serverUrl');
    // The popup's shortcut, from the manifest command.
    expect(await options.$eval('[data-test=shortcut]', (element) => element.textContent)).toBe('Alt+Shift+U');
    await options.type('#serverUrl', f.server.url);
    await options.type('#token', USER.token);
    await options.click('[data-test=save]');
    await f.badgeIs('1');
    // What saving put in storage.sync: the preferences, and nothing of the server or the sign-in.
    const synced = await waitFor(
      () => f.beacon.storage<Record<string, unknown>>(null, 'sync'),
      (items) => 'preferences' in items,
      'preferences in storage.sync',
    );
    expect(Object.keys(synced)).toEqual(['preferences']);
    expect(JSON.stringify(synced)).not.toContain(USER.token);
    expect(JSON.stringify(synced)).not.toContain(new URL(f.server.url).host);
    expect(await options.$eval('[data-test=feedback]', (element) => element.textContent)).toBe(
      'Saved. Beacon is reconnecting.',
    );
    // Firefox notifications cannot be silenced: no sound switch.
    expect(await options.$('[data-test=sound]')).toBeNull();
  });

  defineSnoozeScenario(f, async () => (await f.beacon.notificationsShown()).length);
  defineSecureCookieScenario(f);
  defineHostileLinkScenarios(f);
  defineAccountsOptionsScenario(f, () => f.beacon.openPage('options.html'));
  defineAccountsScenario(f);
});
