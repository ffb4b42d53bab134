/**
 * Several accounts end to end (issue #25, item 8), written once for both browsers: two reference servers (the second
 * in legacy mode: its events carry no counts, Beacon refetches them), each with its own user and token, both accounts
 * stored as the options page saves them. The badge sums them; a 401 on one leaves the other live and right and marks
 * the badge; removing the failed account takes its counts off the badge and leaves nothing of it in storage.local.
 */
import { randomUUID } from 'node:crypto';
import { expect, it, onTestFinished } from 'vitest';
import { TestServer, USER, waitFor } from '../drivers/test-server';
import type { BrowserBeacon, E2eFixture } from './scenarios';

/** The second server's user: another name and token than the first's. */
const BOB = { username: 'bob', token: 'bob-e2e-token-lab', role: 'user' };
/** The lab's line in the tooltip once its token is revoked: its state and the server's reason. */
const SIGNED_OUT = 'Signed out — HTTP 401: invalid or expired token';

/** An account as the options page saves it into `storage.local` `settings` (utils/settings/accounts-model.ts). */
function storedAccount(id: string, label: string, serverUrl: string, token: string) {
  return { id, label, serverUrl, appUrl: '', authMethod: 'token', token, username: '', role: 'auto' };
}

interface StoredState {
  snapshot?: { accounts?: Array<{ id: string }> };
  inboxCache?: { accounts?: Record<string, unknown> };
  settings?: Array<{ id: string }>;
}

export function defineAccountsScenario(
  f: E2eFixture<BrowserBeacon>,
  hooks: {
    /** The ids of the OS notifications on screen, where the browser lists them (headless Firefox closes them). */
    notificationIds?: () => Promise<string[]>;
  } = {},
): void {
  it('two accounts on two servers: the badge sums them; a 401 on one keeps the other live and marks the badge; removing it leaves nothing', async () => {
    const lab = await TestServer.start({ legacyEvents: true });
    onTestFinished(() => lab.dispose());
    await lab.upsertUser(BOB);
    const work = { id: randomUUID(), name: 'Work' };
    const labAccount = { id: randomUUID(), name: 'Lab' };
    const section = (id: string, selector = '') => `[data-account="${id}"] ${selector}`.trim();
    const stored = () => f.beacon.storage<StoredState>(null);

    // 1. Events on both servers, before and after Beacon connects: the badge shows the sum.
    await f.server.publish({ notice_type: 0, title: 'a like at work' });
    await f.server.publish({ notice_type: 2, title: 'a comment at work' });
    await lab.publish({ username: BOB.username, notice_type: 1, title: 'a star in the lab' });
    await f.beacon.setStorage({
      settings: [
        storedAccount(work.id, work.name, f.server.url, USER.token),
        storedAccount(labAccount.id, labAccount.name, lab.url, BOB.token),
      ],
    });
    await f.badgeIs('3');
    await waitFor(
      () => f.beacon.badge(),
      (badge) => badge.title === 'Beacon\nWork: 2\nLab: 1',
      'both accounts live in the tooltip',
    );
    await lab.publish({ username: BOB.username, notice_type: 0, title: 'Lab like' });
    await f.badgeIs('4');
    expect((await f.beacon.badge()).title).toBe('Beacon\nWork: 2\nLab: 2');

    // The popup: two collapsed one-line sections in the user's order, each with its name and total.
    await f.popupShows(section(labAccount.id, '[data-test=account-total]'), /^2$/);
    expect(await f.beacon.popupText(section(work.id, '[data-test=account-name]'))).toBe('Work');
    expect(await f.beacon.popupText(section(work.id, '[data-test=account-total]'))).toBe('2');
    expect(await f.beacon.popupText(section(labAccount.id, '[data-test=account-name]'))).toBe('Lab');
    expect(await f.beacon.popupText(section(work.id, 'li[data-category]'))).toBeNull();
    expect(await f.beacon.popupText(section(labAccount.id, 'li[data-category]'))).toBeNull();
    // Expanding one shows its categories (and only its own); its inbox list goes to the cache.
    await f.beacon.popupClick(section(labAccount.id, '[data-test=account-toggle]'));
    await f.popupShows(section(labAccount.id, 'li[data-category=stars] [data-test=count]'), /^1$/);
    expect(await f.beacon.popupText(section(labAccount.id, '[aria-expanded=true]'))).not.toBeNull();
    expect(await f.beacon.popupText(section(labAccount.id, 'li[data-category=likes] [data-test=count]'))).toBe('1');
    expect(await f.beacon.popupText(section(labAccount.id, 'li[data-category=comments] [data-test=count]'))).toBe('0');
    expect(await f.beacon.popupText(section(work.id, 'li[data-category]'))).toBeNull();
    await f.beacon.popupClick(section(labAccount.id, 'li[data-category=likes] [data-test=toggle]'));
    await f.popupShows(section(labAccount.id, '[data-test=inbox]'), /Lab like/);
    await waitFor(stored, (items) => labAccount.id in (items.inboxCache?.accounts ?? {}), "the lab's inbox cached");

    // 2. The lab's server goes down: its last counts stay in the sum, on their way back (docs/architecture.md,
    // "Badge": no marker while reconnecting); the work account stays live, on the same stream, and right.
    const workStreams = f.server.streamRequests().length;
    await lab.upsertUser({ ...BOB, token: 'bob-rotated-token-999' }); // seen when it is back: a 401
    await lab.stop();
    await waitFor(
      () => f.beacon.badge(),
      (badge) => /^Beacon\nWork: 2\nLab: 2 \((Reconnecting|Connecting)/.test(badge.title),
      'the lab reconnecting in the tooltip',
    );
    await f.server.publish({ notice_type: 1, title: 'a star at work' });
    await f.badgeIs('5');
    await f.popupShows(section(work.id, '[data-test=account-total]'), /^3$/);
    expect(await f.beacon.popupText(section(work.id, '[data-test=account-state]'))).toBe('Live');

    // It is back, answering 401 (the token was revoked): the lab's counts leave the sum and the badge marks it.
    await lab.restart();
    await f.badgeIs('3!', 20_000);
    await waitFor(
      () => f.beacon.badge(),
      (badge) => badge.title === `Beacon\nWork: 3\nLab: ${SIGNED_OUT}`,
      'the tooltip naming each account state',
    );
    await f.server.publish({ notice_type: 0, title: 'another like at work' });
    await f.badgeIs('4!');
    expect((await f.beacon.badge()).title).toBe(`Beacon\nWork: 4\nLab: ${SIGNED_OUT}`);
    await f.popupShows(section(work.id, '[data-test=account-total]'), /^4$/);
    expect(await f.beacon.popupText(section(work.id, '[data-test=account-state]'))).toBe('Live');
    await f.popupShows(section(labAccount.id, '[data-test=account-state]'), /^Signed out$/);
    // The popup's total is the badge's: a signed-out account's last counts are not the server's any more.
    await f.popupShows('[data-test=total]', /^4 unread$/);
    const labNotices = (await hooks.notificationIds?.())?.filter((id) => id.endsWith(`@${labAccount.id}`));
    if (labNotices) expect(labNotices.length).toBeGreaterThan(0);
    const before = await stored();
    expect(before.snapshot?.accounts?.map(({ id }) => id)).toEqual([work.id, labAccount.id]);

    // 3. The lab account is removed, as the options page saves the list without it.
    await f.beacon.setStorage({ settings: [storedAccount(work.id, work.name, f.server.url, USER.token)] });
    await waitFor(
      () => f.beacon.badge(),
      (badge) => badge.text === '4' && badge.title.startsWith('Beacon — Live\n'),
      'the badge of the one account left',
    );
    expect(f.server.streamRequests()).toHaveLength(workStreams); // the work account never reconnected
    const after = await waitFor(
      stored,
      (items) => items.snapshot?.accounts?.length === 1 && !(labAccount.id in (items.inboxCache?.accounts ?? {})),
      'the lab forgotten in storage',
    );
    expect(after.settings?.map(({ id }) => id)).toEqual([work.id]);
    expect(after.snapshot?.accounts?.map(({ id }) => id)).toEqual([work.id]);
    const everything = JSON.stringify(after);
    for (const trace of [labAccount.id, BOB.token, '"Lab"', 'Lab like']) expect(everything).not.toContain(trace);
    // The lab's host and port, not as the start of a longer port.
    expect(everything).not.toMatch(new RegExp(`${new URL(lab.url).host.replaceAll('.', '\\.')}(?!\\d)`));
    // The popup is the one-account popup again: no section headers.
    await waitFor(
      () => f.beacon.popupText('[data-test=account-toggle]'),
      (text) => text === null,
      'the one-account popup',
    );
    await f.popupShows('[data-test=total]', /^4 unread$/);
    // Its OS notifications went with it (where the browser lists them).
    const left = (await hooks.notificationIds?.())?.filter((id) => id.includes(labAccount.id));
    if (left) expect(left).toEqual([]);
  });
}
