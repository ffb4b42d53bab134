/**
 * Accessibility in real Firefox: axe (WCAG 2.2 AA) on every popup and options state, light and dark in the same
 * pages, in en and zh_CN. WebDriver BiDi cannot emulate media features, so the scheme is Firefox's content colour
 * scheme preference, switched while the pages stay open; the UI language is `intl.locale.requested` at launch (with
 * Debian's firefox-esr-l10n-zh-cn language pack installed).
 */
import { describe, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { hasBrowser } from '../drivers/browsers';
import { FirefoxBeacon } from '../drivers/firefox';
import { setFirefoxIntPref } from '../drivers/firefox-prefs';
import { withDeadline } from '../drivers/test-server';
import { useE2eFixture } from './scenarios';
import { A11Y_SERVER, auditEveryState, type AuditPage } from './a11y-scenario';

/** `layout.css.prefers-color-scheme.content-override`: 0 dark, 1 light. */
const CONTENT_SCHEME_PREF = 'layout.css.prefers-color-scheme.content-override';

function toAuditPage(beacon: FirefoxBeacon, page: Page): AuditPage {
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
    bringToFront: () => page.bringToFront(),
    emulateColorScheme: (scheme) => setFirefoxIntPref(beacon.browser, CONTENT_SCHEME_PREF, scheme === 'dark' ? 0 : 1),
  };
}

describe.skipIf(!hasBrowser('firefox'))('Firefox accessibility', () => {
  for (const lang of ['en', 'zh-CN']) {
    describe(lang, () => {
      const f = useE2eFixture(
        `firefox-a11y-${lang}`,
        () => FirefoxBeacon.launch(undefined, { prefs: { 'intl.locale.requested': lang } }),
        A11Y_SERVER,
      );
      it('axe finds no WCAG 2.2 AA violation in any popup or options state, light or dark', async () => {
        await auditEveryState({
          f,
          lang,
          open: async (path) => toAuditPage(f.beacon, await f.beacon.openPage(path)),
          schemes: ['light', 'dark'],
        });
      });
    });
  }
});
