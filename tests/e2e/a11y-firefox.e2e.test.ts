/**
 * Accessibility in real Firefox: axe (WCAG 2.2 AA) on every popup and options state. The colour scheme is a
 * preference read at launch (WebDriver BiDi cannot emulate media features), so light and dark are two launches.
 * Only en: Debian's firefox-esr ships no language packs, so the UI language cannot switch here (zh_CN is audited
 * in Chromium).
 */
import { describe, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { hasBrowser } from '../drivers/browsers';
import { FirefoxBeacon } from '../drivers/firefox';
import { withDeadline } from '../drivers/test-server';
import { useE2eFixture } from './scenarios';
import { auditEveryState, type AuditPage, type ColorScheme } from './a11y-scenario';

function toAuditPage(page: Page): AuditPage {
  return {
    evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
    // puppeteer's click over BiDi never answered for a button scrolled below the fold: the element's own click.
    click: (selector) =>
      withDeadline(
        page.$eval(selector, (element) => (element as HTMLElement).click()),
        selector,
      ),
    fill: (selector, text) => withDeadline(page.locator(selector).fill(text), `fill ${selector}`),
    waitForSelector: async (selector) => void (await page.waitForSelector(selector)),
  };
}

describe.skipIf(!hasBrowser('firefox'))('Firefox accessibility', () => {
  for (const scheme of ['light', 'dark'] as ColorScheme[]) {
    describe(scheme, () => {
      const f = useE2eFixture(`firefox-a11y-${scheme}`, () =>
        FirefoxBeacon.launch(undefined, { prefs: { 'ui.systemUsesDarkTheme': scheme === 'dark' ? 1 : 0 } }),
      );
      it(`axe finds no WCAG 2.2 AA violation in any popup or options state (${scheme})`, async () => {
        await auditEveryState({
          f,
          open: async (path) => toAuditPage(await f.beacon.openPage(path)),
          schemes: [scheme],
        });
      }, 240_000); // about 100 s on the loaded 2-core machine: axe is slower in Firefox
    });
  }
});
