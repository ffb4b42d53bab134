/** Real Firefox with the built extension, through puppeteer-core over WebDriver BiDi (shared/BROWSERS.md). */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Settings } from '../../utils/settings/settings';
import { splitSettings } from './split-settings';
import { GECKO_ID } from '../../wxt.config';
import { writeFailureArtifacts } from './artifacts';
import { FIREFOX_PATH } from './browsers';
import { withDeadline } from './test-server';
import type { BadgeState } from './chromium';

export const FIREFOX_EXTENSION_DIR = resolve('.output/firefox-mv2');

/** The `browser` global inside extension pages, as far as these helpers use it. */
declare const browser: {
  browserAction: {
    getBadgeText(details: object): Promise<string>;
    getBadgeBackgroundColor(details: object): Promise<number[]>;
    getTitle(details: object): Promise<string>;
  };
  storage: Record<
    'local' | 'sync',
    { get(key: string | null): Promise<Record<string, unknown>>; set(items: object): Promise<void> }
  >;
  runtime: { getBackgroundPage(): Promise<unknown> };
  notifications: {
    getAll(): Promise<Record<string, unknown>>;
    onClosed: { addListener(listener: (id: string) => void): void };
  };
};

export interface FirefoxLaunchOptions {
  /** More Firefox preferences (the benchmark turns off timer-precision reduction). */
  prefs?: Record<string, unknown>;
  /**
   * The extension page kept open to call extension APIs from; by default the popup. The benchmark adds an empty page
   * to its copy of the build, so no popup runs beside what it measures.
   */
  apiPage?: string;
}

export class FirefoxBeacon {
  readonly consoleLog: string[] = [];
  private popup: Page | null = null;
  private control: Page | null = null;

  private constructor(
    readonly browser: Browser,
    readonly uuid: string,
    private readonly apiPagePath: string,
    private readonly extensionDir: string,
    private extensionId: string,
  ) {}

  static async launch(
    extensionDir = FIREFOX_EXTENSION_DIR,
    { prefs = {}, apiPage = 'popup.html' }: FirefoxLaunchOptions = {},
  ): Promise<FirefoxBeacon> {
    const uuid = randomUUID();
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      // Without it, navigating to moz-extension:// pages is refused.
      args: ['-remote-allow-system-access'],
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
        // reinstall() keeps the moz-extension:// origin this driver knows (uninstalling forgets it otherwise).
        'extensions.webextensions.keepUuidOnUninstall': true,
        ...prefs,
      },
    });
    const extensionId = await browser.installExtension(extensionDir);
    return new FirefoxBeacon(browser, uuid, apiPage, extensionDir, extensionId);
  }

  /**
   * A fresh install in the same browser, for the next test: a launch costs 4-6 s, this about half a second. Uninstalling
   * a temporary add-on deletes its storage (local and sync) and its background page; the tabs and the cookies, which
   * the profile keeps, go too (servers of different tests share the host 127.0.0.1, and cookies ignore the port).
   * What stays is the browser's process and its caches, keyed by origin: every test's server has a port of its own.
   */
  async reinstall(): Promise<void> {
    const pages = await this.browser.pages();
    await this.browser.newPage(); // closing the last tab would close the window
    for (const page of pages) await page.close().catch(() => {});
    this.popup = null;
    this.control = null;
    await this.browser.uninstallExtension(this.extensionId);
    await this.browser.deleteCookie(...(await this.browser.cookies()));
    this.consoleLog.length = 0;
    this.extensionId = await this.browser.installExtension(this.extensionDir);
  }

  /** Opens an extension page (popup.html, options.html, or a page a benchmark added to its copy) in a new tab
   * (page.goto never resolves for moz-extension URLs: wait for the load). */
  async openPage(path: string): Promise<Page> {
    const page = await this.browser.newPage();
    page.on('console', (message) => this.consoleLog.push(`[${message.type()}] ${message.text()}`));
    const url = `moz-extension://${this.uuid}/${path}`;
    // A navigation started again is given a second before it may be judged (the old document still answers at first).
    let navigatedAt = 0;
    const navigate = () => {
      navigatedAt = Date.now();
      void page.goto(url).catch(() => {});
    };
    navigate();
    // Polled by hand: an evaluation racing the navigation can fail with a BiDi protocol error; that is "not yet".
    const deadline = Date.now() + 15_000;
    for (;;) {
      const loaded = await page
        .evaluate(() => [location.href, document.readyState, typeof browser !== 'undefined'] as const)
        .catch(() => null);
      const settled = loaded?.[1] === 'complete' && Date.now() - navigatedAt > 1000;
      if (loaded?.[0] === url && loaded[1] === 'complete' && loaded[2]) return page;
      // Seen twice on a machine under load (a bench run, an e2e run): the page loaded at its URL without the
      // extension's `browser` API, and every call from it failed with "browser is not defined". Load it again.
      if (settled && loaded[0] === url && !loaded[2]) navigate();
      // Firefox loads a tab an extension opens into an empty one: the options page Beacon opens on install can take
      // this new tab before our navigation commits. Navigate again.
      if (settled && loaded[0] !== url && loaded[0] !== 'about:blank') navigate();
      if (Date.now() > deadline) throw new Error(`${url} did not load (last state: ${JSON.stringify(loaded)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async reopenPopup(): Promise<void> {
    if (this.popup && !this.popup.isClosed()) await this.popup.close();
    this.popup = null;
  }

  /** The popup page kept open between calls; opened again after it closed itself (it does after opening a tab). */
  private async popupPage(): Promise<Page> {
    if (!this.popup || this.popup.isClosed()) this.popup = await this.openPage('popup.html');
    return this.popup;
  }

  /** The extension page kept open to call extension APIs from (FirefoxLaunchOptions.apiPage). */
  private async apiPage(): Promise<Page> {
    if (this.apiPagePath === 'popup.html') return this.popupPage();
    if (!this.control || this.control.isClosed()) this.control = await this.openPage(this.apiPagePath);
    return this.control;
  }

  /**
   * Evaluates `expression` with `background` naming the MV2 background page's global (reached from the API page:
   * puppeteer offers no target for it). The value comes back as a JSON copy made in the API page, so no object of the
   * background page's realm has to cross the protocol.
   */
  async evaluateInBackground<T>(expression: string): Promise<T> {
    const page = await this.apiPage();
    return page.evaluate(
      `Promise.resolve(((background) => (${expression}))(browser.extension.getBackgroundPage()))` +
        '.then((value) => (value === undefined ? null : JSON.parse(JSON.stringify(value))))',
    ) as Promise<T>;
  }

  /** Text of an element in the popup page (kept open between calls), or null when it is not there. */
  async popupText(selector: string): Promise<string | null> {
    const page = await this.popupPage();
    return page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
  }

  /**
   * Clicks an element of the popup once it is there and holds still, as a user would (Playwright's click waits the
   * same way). A plain `page.click` computes the point first: a line above that changes height meanwhile (the
   * "Reconnecting in N s" countdown) moved the row, and a loaded CI run clicked beside the toggle.
   */
  async popupClick(selector: string): Promise<void> {
    const page = await this.popupPage();
    try {
      await page.locator(selector).setTimeout(10_000).click();
    } catch (error) {
      // The popup closes itself after it asked the background to open a page, a moment after the tab appears: a
      // click that met that closing page ("no such frame") is made again on a fresh popup. Anything else fails.
      const closing = Date.now() + 2000;
      while (!page.isClosed() && Date.now() < closing) await new Promise((resolve) => setTimeout(resolve, 50));
      if (!page.isClosed()) throw error;
      await (await this.popupPage()).locator(selector).setTimeout(10_000).click();
    }
  }

  async tabUrls(): Promise<string[]> {
    return (await this.browser.pages()).map((page) => page.url());
  }

  /**
   * Presets settings: the connection in `storage.local` (`settings`: merged into the first account once a page has
   * migrated it to the accounts list), preferences in `storage.sync`.
   */
  async configure(settings: Partial<Settings>): Promise<void> {
    const page = await this.apiPage();
    await page.evaluate(async ({ connection, preferences }) => {
      const stored = ((await browser.storage.local.get('settings')).settings ?? {}) as object;
      await browser.storage.local.set({
        settings: Array.isArray(stored)
          ? [{ id: 'main', label: '', ...stored[0], ...connection }, ...stored.slice(1)]
          : { ...stored, ...connection },
      });
      if (Object.keys(preferences).length === 0) return;
      const synced = ((await browser.storage.sync.get('preferences')).preferences ?? {}) as object;
      await browser.storage.sync.set({ preferences: { ...synced, ...preferences } });
    }, splitSettings(settings));
  }

  /** Writes keys of `storage.local` as they are (the accounts list as the options page saves it, for one). */
  async setStorage(items: Record<string, unknown>): Promise<void> {
    const page = await this.apiPage();
    await page.evaluate((values) => browser.storage.local.set(values), items);
  }

  async badge(): Promise<BadgeState> {
    const page = await this.apiPage();
    return page.evaluate(async () => ({
      text: await browser.browserAction.getBadgeText({}),
      color: await browser.browserAction.getBadgeBackgroundColor({}),
      title: await browser.browserAction.getTitle({}),
    }));
  }

  /** A key of `storage.local` (or `storage.sync`); with null, everything in that area. */
  async storage<T>(key: string | null, area: 'local' | 'sync' = 'local'): Promise<T> {
    const page = await this.apiPage();
    return page.evaluate(
      async (k, a) => {
        const items = await browser.storage[a].get(k);
        return (k === null ? items : items[k]) as T;
      },
      key,
      area,
    );
  }

  async badgeText(): Promise<string> {
    return (await this.badge()).text;
  }

  async notifications(): Promise<Record<string, unknown>> {
    const page = await this.apiPage();
    return page.evaluate(() => browser.notifications.getAll());
  }

  /**
   * Ids of the OS notifications shown since the first call. Headless Firefox has no alert service: it closes each
   * notification within a few hundred ms (onShown never fires), so getAll() sees nothing; onClosed is recorded.
   */
  async notificationsShown(): Promise<string[]> {
    const page = await this.apiPage();
    return page.evaluate(() => {
      const scope = globalThis as unknown as { __beaconShown?: string[] };
      if (!scope.__beaconShown) {
        scope.__beaconShown = [];
        browser.notifications.onClosed.addListener((id) => scope.__beaconShown!.push(id));
      }
      return [...scope.__beaconShown];
    });
  }

  /**
   * Does what a click on the notification does: automation cannot click an OS notification, so this calls the
   * function the background's `notifications.onClicked` listener calls (the MV2 background page's global).
   */
  async clickNotification(id: string): Promise<void> {
    const page = await this.apiPage();
    await page.evaluate(async (notificationId) => {
      const background = (await browser.runtime.getBackgroundPage()) as unknown as {
        beaconNotificationHandlers: { onNotificationClicked(id: string): void };
      };
      background.beaconNotificationHandlers.onNotificationClicked(notificationId);
    }, id);
  }

  /** Opens a web page (the reference server's start page) in a new tab of the same profile. */
  /**
   * Over BiDi, Firefox under load now and then never reports the end of a navigation (CI: "no answer within 20000
   * ms" on a page that was there). A page that did load is used; one that did not is tried once more.
   */
  async openWebPage(url: string): Promise<Page> {
    for (let attempt = 1; ; attempt++) {
      const page = await this.browser.newPage();
      try {
        await withDeadline(page.goto(url, { waitUntil: 'domcontentloaded' }), `loading ${url}`, 8000);
        return page;
      } catch (error) {
        const loaded = page.url().startsWith(url) && (await page.evaluate(() => document.readyState).catch(() => null));
        if (loaded === 'interactive' || loaded === 'complete') return page;
        await page.close().catch(() => {});
        if (attempt === 2) throw error;
      }
    }
  }

  async saveFailureArtifacts(name: string): Promise<void> {
    await writeFailureArtifacts(name, this.consoleLog, await this.browser.pages());
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
  }
}
