/**
 * Beacon in real Chromium against the reference server: what a user sees on the badge, in the popup and as OS
 * notifications. (The worker-lifetime test, which must run without CDP, is in chromium-lifetime.e2e.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { hasBrowser } from './browsers';
import { ChromiumBeacon } from './chromium';
import { ADMIN_USER, TestServer, USER, waitFor } from './test-server';

const LIVE_RED = [217, 48, 37, 255];
const GREY = [128, 134, 139, 255];

describe.skipIf(!hasBrowser('chromium'))('Chromium', () => {
  let server: TestServer;
  let beacon: ChromiumBeacon;

  beforeEach(async () => {
    server = await TestServer.start();
    beacon = await ChromiumBeacon.launch();
    onTestFailed(async ({ task }) => beacon.saveFailureArtifacts(`chromium-${task.name}`));
  });

  afterEach(async () => {
    await beacon?.close();
    await server?.dispose();
  });

  const signIn = (user = USER) => beacon.configure({ serverUrl: server.url, authMethod: 'token', token: user.token });
  const badgeIs = (text: string, timeoutMs?: number) => waitFor(() => beacon.badgeText(), (value) => value === text, `badge "${text}"`, timeoutMs);

  it('is unconfigured on a fresh install, then the badge follows published events in every category', async () => {
    const fresh = await waitFor(() => beacon.badge(), (badge) => badge.title.includes('not set up'), 'the unconfigured badge');
    expect(fresh.text).toBe('');
    await signIn();
    await waitFor(() => beacon.badge(), (badge) => badge.title.includes('live'), 'live');
    for (const [type, expected] of [[0, '1'], [1, '2'], [2, '3'], [3, '4'], [4, '5']] as const) {
      await server.publish({ notice_type: type, title: `event ${type}` });
      await badgeIs(expected);
    }
    // Report emails are not for role "user": nothing changes.
    server.live.store.publish(USER.username, { notice_type: 5, title: 'report' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await beacon.badge()).toMatchObject({ text: '5', color: LIVE_RED });
    expect((await beacon.badge()).title).toContain('Administrator notices: 1');
  });

  it('counts report emails for a role other than user', async () => {
    await server.publish({ username: ADMIN_USER.username, notice_type: 5, title: 'r1' });
    await signIn(ADMIN_USER);
    await badgeIs('1');
    await server.publish({ username: ADMIN_USER.username, notice_type: 5, title: 'r2' });
    await badgeIs('2');
    expect((await beacon.badge()).title).toContain('Report emails: 2');
  });

  it('shows 99+ above 99', async () => {
    for (let i = 0; i < 120; i++) server.live.store.publish(USER.username, { notice_type: 0 });
    await signIn();
    await badgeIs('99+');
  });

  it('raises an OS notification for a new event, and one summary for a burst', async () => {
    await signIn();
    await waitFor(() => beacon.badge(), (badge) => badge.title.includes('live'), 'live');
    await server.publish({ notice_type: 2, title: 'Bob commented', content: 'Nice' });
    const single = await waitFor(() => beacon.notifications(), (all) => Object.keys(all).length === 1, 'one notification');
    expect(Object.keys(single)[0]).toMatch(/^beacon-single-/);
    for (let i = 0; i < 20; i++) server.live.store.publish(USER.username, { notice_type: 0, title: `like ${i}` });
    await badgeIs('21');
    const all = await waitFor(() => beacon.notifications(), (value) => Object.keys(value).length === 2, 'a summary');
    expect(Object.keys(all).filter((id) => id.startsWith('beacon-summary-'))).toHaveLength(1);
  });

  it('shows the counts and notices in the popup, and mark all read clears the badge', async () => {
    await server.publish({ notice_type: 0, title: 'like' });
    await server.publish({ notice_type: 3, title: 'Maintenance tonight', content: 'Read-only 22:00–22:30' });
    await server.publish({ notice_type: 4, title: 'From the moderators', content: 'Please add tags' });
    await signIn();
    await badgeIs('3');
    const popup = await beacon.openPage('popup.html');
    await popup.waitForSelector('[data-test=latest-system]');
    expect(await popup.textContent('li[data-category=likes] [data-test=count]')).toBe('1');
    expect(await popup.textContent('li[data-category=system] [data-test=count]')).toBe('1');
    expect(await popup.textContent('[data-test=latest-system]')).toContain('Maintenance tonight');
    expect(await popup.textContent('[data-test=latest-manager]')).toContain('Please add tags');

    await server.publish({ notice_type: 1, title: 'star' });
    await popup.waitForFunction(() => document.querySelector('li[data-category=stars] [data-test=count]')?.textContent === '1');
    await popup.locator('main').screenshot({ path: 'test-results/popup-chromium.png' });

    await popup.click('[data-test=mark-all]');
    await badgeIs('');
    expect(server.total()).toBe(0);
    await popup.waitForSelector('[data-test=empty]');
  });

  it('is right again after the server restarts', async () => {
    await signIn();
    await server.publish({ notice_type: 0 });
    await badgeIs('1');
    await server.stop();
    await waitFor(() => beacon.badge(), (badge) => badge.color.join() === GREY.join(), 'grey badge while down');
    expect(await beacon.badgeText()).toBe('1'); // last known count kept
    await server.restart();
    await server.publish({ notice_type: 2 });
    await badgeIs('2');
    await waitFor(() => beacon.badge(), (badge) => badge.color.join() === LIVE_RED.join(), 'live again');
  });

  it('after a 401: signed-out badge, one sign-in notification, no retry storm', async () => {
    await signIn();
    await waitFor(() => beacon.badge(), (badge) => badge.title.includes('live'), 'live');
    server.live.store.upsertUser({ ...USER, token: 'rotated-token-999' });
    server.live.dropStreams();
    await badgeIs('!');
    const attempts = server.streamRequests().length;
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(server.streamRequests().length).toBe(attempts);
    expect(Object.keys(await beacon.notifications())).toEqual(['beacon-sign-in']);
    expect((await beacon.badge()).title).toContain('signed out');
  });

  it('comes back after the service worker is stopped: the alarm restarts it and it resyncs', async () => {
    await signIn();
    await server.publish({ notice_type: 0 });
    await badgeIs('1');
    await beacon.stopWorker();
    await waitFor(() => server.live.streamCount(), (count) => count === 0, 'stream cut by the stopped worker');
    await server.publish({ notice_type: 1 });
    await server.publish({ notice_type: 2 });
    await badgeIs('3', 60_000);
    expect(server.live.streamCount()).toBe(1);
  });

  it('opens the options page on first install; the form points Beacon at the server; sign out forgets it', async () => {
    await waitFor(() => beacon.context.pages().some((page) => page.url().endsWith('/options.html')), (found) => found, 'options page opened on install');
    await server.publish({ notice_type: 3, title: 'Welcome' });
    const options = await beacon.openPage('options.html');
    await options.fill('#serverUrl', server.url);
    await options.fill('#token', USER.token);
    await options.click('[data-test=test]');
    await options.waitForSelector('[data-test=test-stream]');
    expect(await options.textContent('[data-test=test-results]')).toMatch(/Server: OK[^]*Sign-in: OK[^]*signed in as alice[^]*Unread counts: OK[^]*1 unread[^]*Live stream: OK/);
    expect(await beacon.badgeText()).toBe(''); // testing saves nothing
    await options.click('[data-test=save]');
    await badgeIs('1');
    await server.publish({ notice_type: 0 });
    await badgeIs('2');
    await options.waitForFunction(() => document.querySelector('[data-test=diag-events]')?.textContent === '1');

    await options.click('[data-test=forget]');
    await waitFor(() => beacon.badge(), (badge) => badge.text === '' && badge.title.includes('not set up'), 'unconfigured again');
    expect(await beacon.storage<{ token: string }>('settings')).toMatchObject({ token: '', serverUrl: '' });
  });

  it('never sends the token in a URL', async () => {
    await signIn();
    await badgeIs('', 5000);
    await waitFor(() => server.requests.length, (n) => n >= 6, 'initial requests');
    for (const request of server.requests) expect(request.url).not.toContain(USER.token);
    expect(beacon.consoleLog.join('\n')).not.toContain(USER.token);
  });
});
