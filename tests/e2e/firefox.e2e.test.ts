/**
 * Beacon in real Firefox (MV2 background page, browserAction) against the reference server. Firefox's background
 * page is persistent, so there is no worker-lifetime scenario here.
 */
import { afterEach, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { hasBrowser } from './browsers';
import { FirefoxBeacon } from './firefox';
import { ADMIN_USER, TestServer, USER, waitFor } from './test-server';

const GREY = [128, 134, 139, 255];

describe.skipIf(!hasBrowser('firefox'))('Firefox', () => {
  let server: TestServer;
  let beacon: FirefoxBeacon;

  beforeEach(async () => {
    server = await TestServer.start();
    beacon = await FirefoxBeacon.launch();
    onTestFailed(async ({ task }) => beacon.saveFailureArtifacts(`firefox-${task.name}`));
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
    server.live.store.publish(USER.username, { notice_type: 5, title: 'report' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await beacon.badgeText()).toBe('5');
  });

  it('counts report emails for a role other than user', async () => {
    await server.publish({ username: ADMIN_USER.username, notice_type: 5 });
    await signIn(ADMIN_USER);
    await badgeIs('1');
    expect((await beacon.badge()).title).toContain('Report emails: 1');
  });

  it('shows the counts and notices in the popup, and mark all read clears the badge', async () => {
    await server.publish({ notice_type: 2, title: 'comment' });
    await server.publish({ notice_type: 3, title: 'Maintenance tonight', content: 'Read-only 22:00–22:30' });
    await server.publish({ notice_type: 4, title: 'From the moderators', content: 'Please add tags' });
    await signIn();
    await badgeIs('3');
    const popup = await beacon.openPage('popup.html');
    await popup.waitForSelector('[data-test=latest-manager]');
    const text = (selector: string) => popup.$eval(selector, (element) => element.textContent ?? '');
    expect(await text('li[data-category=comments] [data-test=count]')).toBe('1');
    expect(await text('[data-test=latest-system]')).toContain('Maintenance tonight');
    expect(await text('[data-test=latest-manager]')).toContain('Please add tags');
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
    expect(await beacon.badgeText()).toBe('1');
    await server.restart();
    await server.publish({ notice_type: 2 });
    await badgeIs('2');
  });

  it('the options form points Beacon at the server', async () => {
    await server.publish({ notice_type: 1 });
    const options = await beacon.openPage('options.html');
    await options.waitForSelector('#serverUrl');
    await options.type('#serverUrl', server.url);
    await options.type('#token', USER.token);
    await options.click('[data-test=save]');
    await badgeIs('1');
    expect(await options.$eval('[data-test=feedback]', (element) => element.textContent)).toBe('Saved. Beacon is reconnecting.');
    // Firefox notifications cannot be silenced: no sound switch.
    expect(await options.$('[data-test=sound]')).toBeNull();
  });

  it('after a 401: signed-out badge and no retry storm', async () => {
    await signIn();
    await waitFor(() => beacon.badge(), (badge) => badge.title.includes('live'), 'live');
    server.live.store.upsertUser({ ...USER, token: 'rotated-token-999' });
    server.live.dropStreams();
    await badgeIs('!');
    const attempts = server.streamRequests().length;
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(server.streamRequests().length).toBe(attempts);
    expect((await beacon.badge()).title).toContain('signed out');
  });
});
