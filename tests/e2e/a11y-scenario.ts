/**
 * axe-core (WCAG 2.2 AA rules) on every popup and options state a user meets, written once for both browsers: each
 * e2e file adapts its driver's page to {@link AuditPage} and says which colour schemes it can switch in one page.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import axe from 'axe-core';
import { expect } from 'vitest';
import { waitFor, USER } from '../drivers/test-server';
import type { BrowserBeacon, E2eFixture } from './scenarios';

type ColorScheme = 'light' | 'dark';

/** The part of a driver's page the audit uses (playwright and puppeteer pages are adapted to it). */
export interface AuditPage {
  /** Evaluates a JavaScript expression in the page. */
  evaluate<T>(expression: string): Promise<T>;
  click(selector: string): Promise<void>;
  fill(selector: string, text: string): Promise<void>;
  waitForSelector(selector: string): Promise<void>;
  /**
   * Makes the page the visible tab: Firefox throttles a background tab's animation frames and timers, and the walk's
   * wait for settled transitions (and axe itself) then took minutes per state.
   */
  bringToFront(): Promise<void>;
  /** Switches `prefers-color-scheme` in place; absent when the browser must be launched again for it. */
  emulateColorScheme?(scheme: ColorScheme): Promise<void>;
}

export interface AuditTarget {
  f: E2eFixture<BrowserBeacon>;
  /** The browser's UI language: the popup must show its own text for it (so English cannot pass for zh-CN). */
  lang: string;
  open(path: 'popup.html' | 'options.html'): Promise<AuditPage>;
  /** The schemes to audit each state in (several only when the page can switch them). */
  schemes: ColorScheme[];
}

/** A message of the extension's catalogue for a UI language (`zh-CN` reads `_locales/zh_CN`). */
function messageIn(lang: string, key: string): string {
  const catalogue = JSON.parse(
    readFileSync(resolve('public/_locales', lang.replace('-', '_'), 'messages.json'), 'utf8'),
  ) as Record<string, { message: string }>;
  return catalogue[key]!.message;
}

/**
 * The walks' test server: a heartbeat every 2 s (not 15 s), so the options page's connection test, which waits for
 * the first heartbeat, ends in about 2 s (the keyboard walk waits for its end; it took 10 s of that walk).
 */
export const A11Y_SERVER = { heartbeatMs: 2_000 };

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** One violation, as a line a failing test prints: state, scheme, rule, and the elements with axe's summary. */
type Finding = string;

/**
 * Runs in the page: waits for running colour transitions to end (a scheme switch starts them, and so does a risen
 * row's highlight fading 3 s after a count rose), runs axe, and answers a compact summary, with whether a transition
 * ran meanwhile (then the colours axe judged were passing ones).
 */
const AUDIT_IN_PAGE = `
  new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
    .then(() => Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => {}))))
    .then(() => {
      const runs = window.__auditTransitionRuns;
      return window.axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_22_AA)} }, resultTypes: ['violations'] })
        .then((result) => ({
          moved: window.__auditTransitionRuns !== runs || document.getAnimations().some((a) => a instanceof CSSTransition),
          violations: result.violations.map((v) => ({
            id: v.id,
            nodes: v.nodes.map((node) => node.target.join(' ') + ' → ' + (node.failureSummary || '').replace(/\\s+/g, ' ')),
          })),
        }));
    })`;

/** Runs axe in the page (injected once), one line per violation; again when a transition ran during the run. */
async function audit(page: AuditPage, state: string, scheme: ColorScheme): Promise<Finding[]> {
  const injected = await page.evaluate<boolean>('typeof window.axe === "object"');
  if (!injected) {
    await page.evaluate(`(() => {
      ${axe.source}
      window.__auditTransitionRuns = 0;
      addEventListener('transitionrun', () => window.__auditTransitionRuns++, true);
      return true;
    })()`);
  }
  for (let attempt = 1; ; attempt++) {
    const { moved, violations } = await page.evaluate<{
      moved: boolean;
      violations: { id: string; nodes: string[] }[];
    }>(AUDIT_IN_PAGE);
    if (moved && attempt < 3) continue;
    return violations.flatMap(({ id, nodes }) => nodes.map((node) => `${state} [${scheme}] ${id}: ${node}`));
  }
}

/**
 * Walks the popup (unconfigured, offline, signed out, live, an expanded inbox, "Show more", the snooze menu,
 * snoozed, a failed mark read, two accounts collapsed and expanded) and the options page (every section, an error, the connection test's results),
 * auditing each state in each scheme, and expects no violation at all.
 */
export async function auditEveryState({ f, lang, open, schemes }: AuditTarget): Promise<string[]> {
  const findings: Finding[] = [];
  const audited: string[] = [];
  const check = async (page: AuditPage, state: string) => {
    audited.push(state);
    await page.bringToFront();
    for (const scheme of schemes) {
      await page.emulateColorScheme?.(scheme);
      // Firefox's preference reaches the page's process a moment later: wait for the page to see it.
      await waitFor(
        () => page.evaluate<boolean>('matchMedia("(prefers-color-scheme: dark)").matches'),
        (dark) => dark === (scheme === 'dark'),
        `${state}: the page in the ${scheme} scheme`,
        5000,
      );
      findings.push(...(await audit(page, state, scheme)));
    }
  };

  const popup = await open('popup.html');
  await popup.waitForSelector('[data-test=unconfigured]');
  expect(
    await popup.evaluate<string>('document.querySelector("[data-test=unconfigured] h2").textContent'),
    `the popup in ${lang} (Firefox shows it only with its language pack: apt-get install firefox-esr-l10n-zh-cn)`,
  ).toBe(messageIn(lang, 'unconfiguredTitle'));
  // browser.i18n.getUILanguage(), which the page gives to screen readers as its language.
  expect(await popup.evaluate<string>('document.documentElement.lang')).toMatch(new RegExp(`^${lang}\\b`));
  await check(popup, 'popup: unconfigured');

  const options = await open('options.html');
  await options.waitForSelector('[data-test=save]');
  await check(options, 'options: empty');
  await options.fill('#serverUrl', 'not a url');
  await options.click('[data-test=save]');
  await options.waitForSelector('[data-test=error-serverUrl]');
  await check(options, 'options: an error message');
  await options.click('[data-test=auth-token]');
  await options.click('[data-test=quiet-enabled]');
  await options.waitForSelector('#quietFrom');
  await options.fill('#serverUrl', f.server.url);
  await options.fill('#token', USER.token);
  await check(options, 'options: token, quiet hours');
  await options.click('[data-test=test]');
  await options.waitForSelector('[data-test=test-stream]');
  await check(options, "options: the connection test's results");
  // Several accounts (issue #25): the list with its move and remove buttons, a new account's form, the confirm.
  await options.click('[data-test=add-account]');
  await options.waitForSelector('[data-test=account-list]');
  await check(options, 'options: two accounts, the new one chosen');
  await options.click('[data-test=remove-account]');
  await options.waitForSelector('[data-test=confirm-remove]');
  await check(options, 'options: removing an account asks first');
  await options.click('[data-test=cancel-remove]');

  // Nothing listens on port 1: the popup shows the connection failing and retrying.
  await f.beacon.configure({ serverUrl: 'http://127.0.0.1:1', authMethod: 'token', token: USER.token });
  await popup.waitForSelector('.connection--reconnecting, .connection--error');
  await check(popup, 'popup: offline');

  await f.signIn({ token: 'wrong-token' });
  await popup.waitForSelector('[data-test=signed-out]');
  await check(popup, 'popup: signed out');

  // More comments than one page, so the inbox offers "Show more".
  for (let i = 0; i < 12; i++) await f.server.publish({ notice_type: 2, title: `Comment ${i}`, content: 'Nice work' });
  await f.server.publish({ notice_type: 3, title: 'Maintenance tonight', content: 'Read-only 22:00–22:30' });
  await f.signIn();
  await popup.waitForSelector('.connection--live');
  await popup.waitForSelector('[data-test=latest-system]');
  await check(popup, 'popup: live with counts');
  await popup.click('li[data-category=comments] [data-test=toggle]');
  await popup.waitForSelector('[data-test=show-more]');
  await check(popup, 'popup: an expanded inbox');
  await popup.click('[data-test=show-more]');
  await waitFor(
    () => popup.evaluate<number>('document.querySelectorAll("[data-test=item]").length'),
    (count) => count === 12,
    'the second page of items',
  );
  await check(popup, 'popup: after "Show more"');

  await popup.click('[data-test=snooze-toggle]');
  await popup.waitForSelector('[data-test=snooze-short]');
  await check(popup, 'popup: the snooze menu');
  await popup.click('[data-test=snooze-short]');
  await popup.waitForSelector('[data-test=snoozed]');
  await check(popup, 'popup: snoozed');

  await f.server.stop();
  await popup.click('[data-test=item-mark-read]');
  await popup.waitForSelector('[data-test=rolled-back]');
  await check(popup, 'popup: a failed mark read');

  // Several accounts (issue #25): one line per account (one live, one failing), then one expanded to its categories.
  await f.server.restart();
  const account = (id: string, label: string, serverUrl: string) => ({
    ...{ id, label, serverUrl, appUrl: '', authMethod: 'token', token: USER.token, username: '', role: 'auto' },
  });
  await f.beacon.setStorage({
    settings: [account('a11y-work', 'Work', f.server.url), account('a11y-staging', 'Staging', 'http://127.0.0.1:1')],
  });
  await popup.waitForSelector('[data-account="a11y-work"] [data-test=account-state][data-status=live]');
  await popup.waitForSelector('[data-account="a11y-staging"] [data-test=account-toggle]');
  await check(popup, 'popup: two accounts, one line each');
  await popup.click('[data-account="a11y-work"] [data-test=account-toggle]');
  await popup.waitForSelector('[data-account="a11y-work"] li[data-category]');
  await check(popup, 'popup: two accounts, one expanded');

  expect(findings).toEqual([]);
  return audited;
}
