/**
 * The popup and the options page with the keyboard alone (Tab, Shift+Tab, Enter, Space, Escape), asserting what a
 * screen reader would be told: the focused control's accessible name (Playwright's role queries) and the live region.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ChromiumBeacon } from '../drivers/chromium';
import type { E2eFixture } from './scenarios';

interface Focused {
  tag: string;
  /** The focus indicator: an outline style other than none, or a box shadow. */
  ring: boolean;
}

const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    const ring = (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none';
    return { tag: `${element.tagName} ${element.getAttribute('type') ?? ''} ${element.id}`, ring };
  });

/** True when the control of that role and exact accessible name has the focus. */
const hasFocus = (page: Page, role: 'button' | 'textbox' | 'radio', name: string) =>
  page.getByRole(role, { name, exact: true }).evaluate((element) => element === document.activeElement);

/** Presses Tab until the named control has the focus, checking every stop on the way shows a focus ring. */
async function tabTo(page: Page, role: 'button' | 'textbox' | 'radio', name: string, key = 'Tab'): Promise<void> {
  for (let stop = 0; stop < 40; stop++) {
    await page.keyboard.press(key);
    const at = await focused(page);
    expect(at.ring, `focus ring at stop ${stop} (${at.tag}) on the way to ${name}`).toBe(true);
    if (await hasFocus(page, role, name)) return;
  }
  throw new Error(`${role} "${name}" never got the focus by ${key}`);
}

const TOKEN_RADIO = 'Access token';

const announcement = (page: Page) => page.textContent('[data-test=announcer]');

export function defineKeyboardScenario(f: E2eFixture<ChromiumBeacon>): void {
  it('keyboard only: popup and options reachable with a focus ring; names and live region as read aloud', async () => {
    await f.server.publish({ notice_type: 0, title: 'like' });
    await f.server.publish({ notice_type: 0, title: 'like' });
    await f.server.publish({ notice_type: 2, title: 'Bob commented', content: 'Nice' });
    await f.signIn();
    const popup = await f.beacon.openPage('popup.html');
    await popup.waitForSelector('.connection--live');

    await tabTo(popup, 'button', 'Likes, 2 unread');
    await tabTo(popup, 'button', 'Comments, 1 unread');
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('[data-test=item]');
    await tabTo(popup, 'button', 'Mark read: Bob commented');
    await popup.keyboard.press('Space');
    await popup.waitForFunction(() => document.querySelector('[data-test=announcer]')?.textContent === 'Marked read');
    expect(await f.server.total()).toBe(2);

    // Back up to the snooze menu; Escape closes it and gives the focus back.
    await tabTo(popup, 'button', 'Snooze notifications', 'Shift+Tab');
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('#snooze-menu');
    expect(await popup.evaluate(() => document.activeElement?.closest('#snooze-menu') !== null)).toBe(true);
    await popup.keyboard.press('Escape');
    expect(await popup.$('#snooze-menu')).toBeNull();
    expect(await hasFocus(popup, 'button', 'Snooze notifications')).toBe(true);
    await popup.keyboard.press('Enter');
    await popup.waitForSelector('#snooze-menu');
    await popup.keyboard.press('Enter');
    await popup.waitForFunction(() =>
      document.querySelector('[data-test=announcer]')?.textContent?.startsWith('Snoozed '),
    );

    // An event from the connection: the server goes away, then comes back.
    await f.server.stop();
    await popup.waitForFunction(() => document.querySelector('[data-test=announcer]')?.textContent === 'Reconnecting');
    await f.server.restart();
    await popup.waitForFunction(() => document.querySelector('[data-test=announcer]')?.textContent === 'Live', null, {
      timeout: 45_000,
    });
    expect(await announcement(popup)).toBe('Live');

    const options = await f.beacon.openPage('options.html');
    await options.waitForSelector('[data-test=save]');
    await tabTo(options, 'textbox', 'Notification server URL');
    // The sign-in group is one Tab stop, on its checked radio; arrows move the choice, as in any radio group.
    await tabTo(options, 'radio', TOKEN_RADIO);
    await options.keyboard.press('ArrowUp');
    expect(await options.isChecked('[data-test=auth-cookie]')).toBe(true);
    await options.keyboard.press('ArrowDown');
    expect(await options.isChecked('[data-test=auth-token]')).toBe(true);
    await tabTo(options, 'button', 'Test connection');
    await options.keyboard.press('Enter');
    // The focus stays on the button while the test runs (it is aria-disabled, not disabled), then Save is just before.
    await options.waitForSelector('[data-test=test-replay]', { timeout: 30_000 });
    expect(await hasFocus(options, 'button', 'Test connection')).toBe(true);
    await tabTo(options, 'button', 'Save', 'Shift+Tab');
    await options.keyboard.press('Enter');
    await options.waitForSelector('[data-test=feedback]');

    // Several accounts (issue #25): "Add account" opens the new account's form on its name; its "Move up" moves it
    // to the top, where the focus goes to its "Move down" (the focused "up" became disabled), never to the page.
    await tabTo(options, 'button', 'Add account', 'Shift+Tab');
    await options.keyboard.press('Enter');
    await options.waitForSelector('[data-test=account-list]');
    expect(await hasFocus(options, 'textbox', 'Name')).toBe(true);
    await options.keyboard.type('Second');
    await tabTo(options, 'button', 'Move Second up', 'Shift+Tab');
    await options.keyboard.press('Enter');
    await options.waitForFunction(() => document.querySelector('[data-test=account-name]')?.textContent === 'Second');
    expect(await hasFocus(options, 'button', 'Move Second down')).toBe(true);
    await options.keyboard.press('Space');
    await options.waitForFunction(() => document.querySelector('[data-test=account-name]')?.textContent !== 'Second');
    expect(await hasFocus(options, 'button', 'Move Second down')).toBe(false);
    expect(await hasFocus(options, 'button', 'Move Second up')).toBe(true);
  });
}
