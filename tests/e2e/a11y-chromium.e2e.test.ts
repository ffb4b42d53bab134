/**
 * Accessibility in real Chromium: axe (WCAG 2.2 AA) on every popup and options state, light and dark in the same
 * page, in en and zh_CN (the UI language is a launch flag); and the keyboard-only walk with what a screen reader hears.
 */
import { describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasBrowser } from '../drivers/browsers';
import { ChromiumBeacon, CHROME_EXTENSION_DIR } from '../drivers/chromium';
import { useE2eFixture } from './scenarios';
import { A11Y_SERVER, auditEveryState, type AuditPage } from './a11y-scenario';
import { defineKeyboardScenario } from './keyboard-scenario';

function toAuditPage(page: Page): AuditPage {
  return {
    evaluate: (expression) => page.evaluate(expression),
    click: (selector) => page.click(selector),
    fill: (selector, text) => page.fill(selector, text),
    waitForSelector: async (selector) => void (await page.waitForSelector(selector)),
    bringToFront: () => page.bringToFront(),
    emulateColorScheme: (colorScheme) => page.emulateMedia({ colorScheme }),
  };
}

describe.skipIf(!hasBrowser('chromium'))('Chromium accessibility', () => {
  for (const lang of ['en', 'zh-CN']) {
    describe(lang, () => {
      const f = useE2eFixture(
        `chromium-a11y-${lang}`,
        () => ChromiumBeacon.launch(CHROME_EXTENSION_DIR, undefined, { lang }),
        A11Y_SERVER,
      );
      it('axe finds no WCAG 2.2 AA violation in any popup or options state, light or dark', async () => {
        await auditEveryState({
          f,
          lang,
          open: async (path) => toAuditPage(await f.beacon.openPage(path)),
          schemes: ['light', 'dark'],
        });
      });
      if (lang === 'en') defineKeyboardScenario(f);
    });
  }
});
