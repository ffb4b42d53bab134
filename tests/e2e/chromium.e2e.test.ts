/**
 * Beacon in real Chromium against the reference server: what a user sees on the badge, in the popup and as OS
 * notifications. (The worker-lifetime test, which must run without CDP, is worker-lifetime-scenario.ts, run beside
 * the reliability run in reliability-chromium.e2e.test.ts; a worker stopped mid-stream and brought back by the alarm
 * is the `worker-stopped` fault of that run;
 * no token in any URL or console line is an invariant that run checks all along, in both browsers.)
 */
import { describe, expect, it } from 'vitest';
import { hasBrowser } from '../drivers/browsers';
import { CHROME_EXTENSION_DIR, ChromiumBeacon } from '../drivers/chromium';
import { STYLED_POPUP, defineSharedScenarios, getAppliedStyle, useE2eFixture } from './scenarios';
import { defineSecureCookieScenario } from './secure-cookie-scenario';
import { defineHostileLinkScenarios } from './hostile-links-scenario';
import { defineSnoozeScenario } from './snooze-scenario';
import { defineAccountsOptionsScenario } from './accounts-options-scenario';
import { defineAccountsScenario } from './accounts-scenario';
import { USER, waitFor } from '../drivers/test-server';

describe.skipIf(!hasBrowser('chromium'))('Chromium', () => {
  const f = useE2eFixture('chromium', () =>
    ChromiumBeacon.launch(CHROME_EXTENSION_DIR, undefined, { reinstallable: true }),
  );
  defineSharedScenarios(f, {
    // Chromium lists notifications; the 401 must raise exactly one inviting to sign in.
    afterSignedOut: async () => expect(Object.keys(await f.beacon.notifications())).toEqual(['beacon-sign-in@main']),
    // Chromium keeps one notification per id: a second sign-in notification would replace the first, so this counts
    // at most 1; the scenarios' no-retry checks cover a repeat.
    signInNotifications: async () =>
      Object.keys(await f.beacon.notifications()).filter((id) => id === 'beacon-sign-in@main').length,
  });

  // The tests of this file share one browser (a launch per test cost 2-4 s each); this proves that what one test
  // leaves behind does not reach the next.
  it('a reinstall between tests keeps nothing: storage, alarms, notifications, cookies and tabs start empty again', async () => {
    await f.signIn();
    await f.waitLive();
    await f.server.publish({ notice_type: 2, title: 'Bob commented' });
    await waitFor(
      () => f.beacon.notifications(),
      (all) => Object.keys(all).length === 1,
      'a notification',
    );
    await f.beacon.evaluateInBackground(
      "Promise.all([chrome.storage.sync.set({ leftOver: 1 }), chrome.alarms.create('left-over', { periodInMinutes: 5 })])",
    );
    await f.beacon.openWebPage(`${f.server.url}/`);
    await f.beacon.context.addCookies([{ name: 'beacon_session', value: 'left-over', url: f.server.url }]);
    await f.beacon.reinstall!();
    expect(await f.beacon.storage('settings')).toBeUndefined();
    expect(await f.beacon.storage(null, 'sync')).toEqual({});
    expect(
      await f.beacon.evaluateInBackground<string[]>(
        'chrome.alarms.getAll().then((all) => all.map((alarm) => alarm.name))',
      ),
    ).not.toContain('left-over');
    expect(await f.beacon.notifications()).toEqual({});
    expect(await f.beacon.context.cookies()).toEqual([]);
    expect((await f.beacon.tabUrls()).filter((url) => url.startsWith(f.server.url))).toEqual([]);
    await waitFor(
      () => f.beacon.badge(),
      (badge) => badge.title.includes('not set up'),
      'the unconfigured badge of a fresh install',
    );
  });

  it('shows 99+ above 99', async () => {
    for (let i = 0; i < 120; i++) await f.server.live.store.publish(USER.username, { notice_type: 0 });
    await f.signIn();
    await f.badgeIs('99+');
  });

  it('raises an OS notification for a new event, and one summary for a burst', async () => {
    await f.signIn();
    await f.waitLive();
    await f.server.publish({ notice_type: 2, title: 'Bob commented', content: 'Nice' });
    const single = await waitFor(
      () => f.beacon.notifications(),
      (all) => Object.keys(all).length === 1,
      'one notification',
    );
    expect(Object.keys(single)).toEqual(['beacon-cat-comments@main']);
    for (let i = 0; i < 20; i++)
      await f.server.live.store.publish(USER.username, { notice_type: 0, title: `like ${i}` });
    await f.badgeIs('21');
    const all = await waitFor(
      () => f.beacon.notifications(),
      (value) => Object.keys(value).length === 2,
      'a summary',
    );
    expect(Object.keys(all).sort()).toEqual(['beacon-cat-comments@main', 'beacon-summary@main']);
  });

  it('notification buttons: "Mark read" marks the item on the server and drops the badge; "Open" opens it', async () => {
    await f.signIn();
    await f.waitLive();
    const first = await f.server.publish({ notice_type: 2, title: 'First', url: `${f.server.url}/c/1` });
    await waitFor(
      () => f.beacon.notifications(),
      (all) => 'beacon-cat-comments@main' in all,
      'the first notification',
    );
    const second = await f.server.publish({ notice_type: 2, title: 'Second', url: `${f.server.url}/c/2` });
    await f.badgeIs('2');
    // The second replaced the first: one notification per category, not a stack.
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the notifier's batching
    expect(Object.keys(await f.beacon.notifications())).toEqual(['beacon-cat-comments@main']);

    await f.beacon.clickNotification('beacon-cat-comments@main', 1); // "Mark read"
    await f.badgeIs('1');
    // The badge drops before the request is answered (optimistic): wait for the server to have marked it.
    const readFlags = async () =>
      (await f.server.live.store.list(USER.username, 'comments', 1, 10)).data.map(({ id, read }) => [id, read]);
    await waitFor(readFlags, (flags) => flags.some(([, read]) => read), 'the server to mark the item read');
    expect(await readFlags()).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    const post = f.server.requests.find((request) => request.url.startsWith('/notification/comments/read'));
    expect(post).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(await f.beacon.notifications()).toEqual({});

    await f.server.publish({ notice_type: 2, title: 'Third', url: `${f.server.url}/c/3` });
    await waitFor(
      () => f.beacon.notifications(),
      (all) => 'beacon-cat-comments@main' in all,
      'the third notification',
    );
    await f.beacon.clickNotification('beacon-cat-comments@main', 0); // "Open"
    await waitFor(
      () => f.beacon.tabUrls(),
      (urls) => urls.includes(`${f.server.url}/c/3`),
      'the item opened in a tab',
    );
    await f.badgeIs('2'); // opening does not mark read
  });

  it('shows the counts and notices in the popup, and mark all read clears the badge', async () => {
    await f.server.publish({ notice_type: 0, title: 'like' });
    await f.server.publish({ notice_type: 3, title: 'Maintenance tonight', content: 'Read-only 22:00–22:30' });
    await f.server.publish({ notice_type: 4, title: 'From the moderators', content: 'Please add tags' });
    await f.signIn();
    await f.badgeIs('3');
    const popup = await f.beacon.openPage('popup.html');
    await popup.waitForSelector('[data-test=latest-system]');
    expect(await popup.textContent('li[data-category=likes] [data-test=count]')).toBe('1');
    expect(await popup.textContent('li[data-category=system] [data-test=count]')).toBe('1');
    expect(await popup.textContent('[data-test=latest-system]')).toContain('Maintenance tonight');
    expect(await popup.textContent('[data-test=latest-manager]')).toContain('Please add tags');
    // The page's own styles (inlined at build time) and the shared theme are applied.
    expect(await popup.evaluate(getAppliedStyle)).toEqual(STYLED_POPUP);

    await f.server.publish({ notice_type: 1, title: 'star' });
    await popup.waitForFunction(
      () => document.querySelector('li[data-category=stars] [data-test=count]')?.textContent === '1',
    );
    await popup.locator('main').screenshot({ path: 'test-results/popup-chromium.png' });

    await popup.click('[data-test=mark-all]');
    await f.badgeIs('');
    expect(await f.server.total()).toBe(0);
    await popup.waitForSelector('[data-test=empty]');
  });

  it('opens the options page on first install; the form points Beacon at the server; sign out forgets it', async () => {
    await waitFor(
      () => f.beacon.context.pages().some((page) => page.url().endsWith('/options.html')),
      (found) => found,
      'options page opened on install',
    );
    await f.server.publish({ notice_type: 3, title: 'Welcome' });
    const options = await f.beacon.openPage('options.html');
    // The popup's shortcut, from the manifest command.
    await options.waitForSelector('[data-test=shortcut]');
    expect(await options.textContent('[data-test=shortcut]')).toBe('Alt+Shift+U');
    await options.fill('#serverUrl', f.server.url);
    await options.fill('#token', USER.token);
    await options.click('[data-test=test]');
    await options.waitForSelector('[data-test=test-stream]');
    expect(await options.textContent('[data-test=test-results]')).toMatch(
      /Server: OK[^]*Sign-in: OK[^]*signed in as alice[^]*Unread counts: OK[^]*1 unread[^]*Live stream: OK/,
    );
    expect(await f.beacon.badgeText()).toBe(''); // testing saves nothing
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
    await f.server.publish({ notice_type: 0 });
    await f.badgeIs('2');
    await options.waitForFunction(() => document.querySelector('[data-test=diag-events]')?.textContent === '1');

    await options.click('[data-test=forget]');
    await waitFor(
      () => f.beacon.badge(),
      (badge) => badge.text === '' && badge.title.includes('not set up'),
      'unconfigured again',
    );
    // The accounts list (settings-storage.ts): no account, so no token, is left.
    expect(await f.beacon.storage<unknown[]>('settings')).toEqual([]);
  });

  defineSnoozeScenario(f, async () => Object.keys(await f.beacon.notifications()).length);
  defineSecureCookieScenario(f);
  defineHostileLinkScenarios(f);
  defineAccountsOptionsScenario(f, () => f.beacon.openPage('options.html'));
  defineAccountsScenario(f, { notificationIds: async () => Object.keys(await f.beacon.notifications()) });
});
