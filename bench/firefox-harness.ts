/**
 * The benchmark setup in real Firefox (puppeteer-core over WebDriver BiDi, shared/BROWSERS.md): the Firefox MV2 build
 * with a persistent background page, the reference server and the baseline page in the same profile. Puppeteer does
 * not expose the background page as a target, so an empty extension page (CONTROL_PAGE) stays open and reaches it
 * through `browser.extension.getBackgroundPage()`; there it wraps `browser.browserAction.setTitle`, as the Chromium
 * harness wraps `chrome.action.setTitle` in the service worker.
 */
import { rmSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { FirefoxBeacon, FIREFOX_EXTENSION_DIR } from '../tests/drivers/firefox';
import type { BadgeState } from '../tests/drivers/chromium';
import { USER, waitFor } from '../tests/drivers/test-server';
import { isLiveTitle } from '../tests/drivers/badge-title';
import type { BeaconServerOptions } from '../server/app';
import { now } from './stats';
import {
  BASELINE_UPDATES,
  CONTROL_PAGE,
  RESET_BASELINE,
  copyExtensionWithBenchPages,
  getFirstStreamRequestAt,
  startServerWithBaselinePage,
  switchBaseline,
  type BenchPage,
  type Harness,
} from './beacon-harness';

/**
 * Timestamps at full precision (Firefox rounds `performance.now()` by default), and no timer throttling of the
 * baseline's tab when the benchmark opens popup tabs in front of it (Chromium's headless tabs are not throttled).
 */
export const BENCH_PREFS = {
  'privacy.reduceTimerPrecision': false,
  'dom.timeout.enable_budget_timer_throttling': false,
  'dom.min_background_timeout_value': 4,
};

// Runs in the control page. The wrapper lives in this page's compartment, which stays open for the whole run.
const WRAP_SET_TITLE = `(() => {
  const background = browser.extension.getBackgroundPage();
  const action = background.browser.browserAction;
  const original = action.setTitle.bind(action);
  background.__titles = [];
  action.setTitle = (details, ...rest) => {
    background.__titles.push([background.performance.timeOrigin + background.performance.now(), details.title]);
    return original(details, ...rest);
  };
  return typeof background.__titles;
})()`;
const READ_TITLES = `Array.from(browser.extension.getBackgroundPage().__titles, ([t, title]) => [t, title])`;
const RESET_TITLES = `void (browser.extension.getBackgroundPage().__titles.length = 0)`;
const READ_BADGE = `(async () => ({
  text: await browser.browserAction.getBadgeText({}),
  color: await browser.browserAction.getBadgeBackgroundColor({}),
  title: await browser.browserAction.getTitle({}),
}))()`;

/** A page handle that evaluates expression strings (puppeteer awaits a returned promise). */
function toBenchPage(page: Page): BenchPage {
  return {
    evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
    close: () => page.close(),
  };
}

export async function startFirefoxHarness(options: Partial<BeaconServerOptions>): Promise<Harness> {
  const { pages, server } = await startServerWithBaselinePage(options);
  const extensionDir = copyExtensionWithBenchPages(FIREFOX_EXTENSION_DIR);
  const beacon = await FirefoxBeacon.launch(extensionDir, BENCH_PREFS);
  const control = await beacon.openPage(CONTROL_PAGE);
  const savedAt = now();
  await control.evaluate(
    `browser.storage.local.set({ settings: ${JSON.stringify({ serverUrl: server.url, authMethod: 'token', token: USER.token })} })`,
  );
  const badge = () => control.evaluate(READ_BADGE) as Promise<BadgeState>;
  await waitFor(badge, (state) => isLiveTitle(state.title), 'Beacon live', 15_000);
  const firstSaveMs = getFirstStreamRequestAt(server) - savedAt;
  await control.evaluate(WRAP_SET_TITLE);
  const baseline = await beacon.browser.newPage();
  const baselineUrl = pages.url(server.url, USER.username);
  await switchBaseline(baseline, baselineUrl, server, true);

  return {
    browser: 'firefox',
    server,
    firstSaveMs,
    badge,
    openPage: async (path) => toBenchPage(await beacon.openPage(path)),
    clearInboxCache: async () => void (await control.evaluate(`browser.storage.local.remove('inboxCache')`)),
    beaconTitles: () => control.evaluate(READ_TITLES) as Promise<Array<[number, string]>>,
    baselineUpdates: () => baseline.evaluate(BASELINE_UPDATES) as Promise<Array<[number, string, number]>>,
    async resetRecords() {
      await control.evaluate(RESET_TITLES);
      await baseline.evaluate(RESET_BASELINE);
      server.requests.length = 0;
    },
    setBaselineConnected: (connected) => switchBaseline(baseline, baselineUrl, server, connected),
    async close() {
      await beacon.close();
      await pages.close();
      await server.dispose();
      rmSync(extensionDir, { recursive: true, force: true });
    },
  };
}
