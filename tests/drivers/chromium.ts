/// <reference types="chrome" />
/** Real Chromium with the built extension, through playwright-core (flags from shared/BROWSERS.md). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import type { Settings } from '../../utils/settings/settings';
import { splitSettings } from './split-settings';
import { writeFailureArtifacts } from './artifacts';
import { CHROMIUM_PATH } from './browsers';
import { openWorkerCdpSession, type WorkerCdpSession } from './worker-cdp';

export const CHROME_EXTENSION_DIR = resolve(process.env.BEACON_CHROME_EXTENSION_DIR ?? '.output/chrome-mv3');

/** Flags that keep Chromium quiet on a machine without internet (as root, in a container). */
const QUIET_CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Headless Chromium with Beacon loaded. */
export function getChromiumArgs(extensionDir: string): string[] {
  return [
    '--headless=new',
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    ...QUIET_CHROMIUM_FLAGS,
  ];
}

export interface BadgeState {
  text: string;
  color: number[];
  title: string;
}

/** What the background puts on `globalThis.beaconNotificationHandlers` (entrypoints/background.ts). */
interface NotificationHandlers {
  onNotificationClicked(id: string): void;
  onNotificationButtonClicked(id: string, index: number): void;
}

export interface ChromiumLaunchOptions {
  /** The browser's UI language (`zh-CN`), which `i18n` follows (on Linux Chromium reads `--lang` and `LANGUAGE`). */
  lang?: string;
  /**
   * Loads the extension over CDP (`Extensions.loadUnpacked`) instead of `--load-extension`, so that `reinstall` can
   * uninstall it: Chromium refuses to uninstall an extension given on the command line.
   */
  reinstallable?: boolean;
}

export class ChromiumBeacon {
  /** Console lines of the service worker and extension pages, for failure reports. */
  readonly consoleLog: string[] = [];
  private popup: Page | null = null;
  /** Set when launched `reinstallable` (see {@link ChromiumBeacon.reinstallOver}). */
  readonly reinstall?: () => Promise<void>;

  private constructor(
    readonly context: BrowserContext,
    readonly extensionId: string,
    /** Removed on close; null when the caller owns the profile. */
    private readonly userDataDir: string | null,
    private readonly extensionDir: string,
    browserCdp: CDPSession | null,
  ) {
    context.on('console', (message) => this.consoleLog.push(`[${message.type()}] ${message.text()}`));
    if (browserCdp) this.reinstall = () => this.reinstallOver(browserCdp);
  }

  /** Launches with a fresh profile, or with `userDataDir` (kept on close when given). */
  static async launch(
    extensionDir = CHROME_EXTENSION_DIR,
    userDataDir?: string,
    { lang, reinstallable = false }: ChromiumLaunchOptions = {},
  ): Promise<ChromiumBeacon> {
    const keepProfile = userDataDir !== undefined;
    userDataDir ??= await mkdtemp(join(tmpdir(), 'beacon-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        ...(reinstallable
          ? ['--headless=new', '--enable-unsafe-extension-debugging', ...QUIET_CHROMIUM_FLAGS]
          : getChromiumArgs(extensionDir)),
        ...(lang ? [`--lang=${lang}`] : []),
      ],
      ...(reinstallable ? { ignoreDefaultArgs: ['--disable-extensions'] } : {}),
      ...(lang ? { locale: lang, env: { ...process.env, LANGUAGE: lang.replace('-', '_') } } : {}),
    });
    const browserCdp = reinstallable ? await context.browser()!.newBrowserCDPSession() : null;
    const started = context.waitForEvent('serviceworker', { timeout: 15_000 });
    if (browserCdp) await browserCdp.send('Extensions.loadUnpacked', { path: extensionDir });
    const worker = context.serviceWorkers()[0] ?? (await started);
    started.catch(() => {}); // not awaited when the worker was there first
    return new ChromiumBeacon(
      context,
      new URL(worker.url()).host,
      keepProfile ? null : userDataDir,
      extensionDir,
      browserCdp,
    );
  }

  /**
   * A fresh install in the same browser, for the next test: a launch costs 2-4 s, this about one. Uninstalling deletes
   * the extension's storage (local, sync, session), alarms and notifications and stops its worker; the tabs and the
   * cookies, which the profile keeps, go too (servers of different tests share 127.0.0.1, and cookies ignore the
   * port). Loaded again from the same folder, it keeps its id.
   */
  private async reinstallOver(browserCdp: CDPSession): Promise<void> {
    const pages = this.context.pages();
    await this.context.newPage(); // an open tab, as after a launch
    for (const page of pages) await page.close().catch(() => {});
    this.popup = null;
    await this.context.clearCookies();
    await browserCdp.send('Extensions.uninstall', { id: this.extensionId });
    const gone = Date.now() + 10_000;
    while (this.context.serviceWorkers().some((worker) => worker.url().includes(this.extensionId))) {
      if (Date.now() > gone) throw new Error('the uninstalled extension kept its service worker');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.consoleLog.length = 0;
    const { id } = await browserCdp.send('Extensions.loadUnpacked', { path: this.extensionDir });
    if (id !== this.extensionId) throw new Error(`reinstalled as ${id}, not ${this.extensionId}`);
    await this.worker(15_000);
  }

  /** The running service worker, waiting for one to start if it was stopped. */
  async worker(timeoutMs = 45_000): Promise<Worker> {
    const running = this.context.serviceWorkers().find((worker) => worker.url().includes(this.extensionId));
    return running ?? this.context.waitForEvent('serviceworker', { timeout: timeoutMs });
  }

  /**
   * Presets settings through the documented storage keys, as an administrator would: the connection in
   * `storage.local` (`settings`: merged into the first account once a page has migrated it to the accounts list),
   * preferences in `storage.sync` (`preferences`).
   */
  async configure(settings: Partial<Settings>): Promise<void> {
    const worker = await this.worker();
    await worker.evaluate(async ({ connection, preferences }) => {
      const stored = (await chrome.storage.local.get('settings')).settings ?? {};
      await chrome.storage.local.set({
        settings: Array.isArray(stored)
          ? [{ id: 'main', label: '', ...stored[0], ...connection }, ...stored.slice(1)]
          : { ...stored, ...connection },
      });
      if (Object.keys(preferences).length === 0) return;
      const synced = (await chrome.storage.sync.get('preferences')).preferences ?? {};
      await chrome.storage.sync.set({ preferences: { ...synced, ...preferences } });
    }, splitSettings(settings));
  }

  /** Writes keys of `storage.local` as they are (the accounts list as the options page saves it, for one). */
  async setStorage(items: Record<string, unknown>): Promise<void> {
    const worker = await this.worker();
    await worker.evaluate((values) => chrome.storage.local.set(values), items);
  }

  async badge(): Promise<BadgeState> {
    const worker = await this.worker();
    return worker.evaluate(async () => ({
      text: await chrome.action.getBadgeText({}),
      color: (await chrome.action.getBadgeBackgroundColor({})) as number[],
      title: await chrome.action.getTitle({}),
    }));
  }

  async badgeText(): Promise<string> {
    return (await this.badge()).text;
  }

  /** OS notifications Beacon has on screen, by id. */
  async notifications(): Promise<Record<string, unknown>> {
    const worker = await this.worker();
    return worker.evaluate(() => chrome.notifications.getAll());
  }

  /**
   * Does what a click on a notification's button does: automation cannot click an OS notification, so this calls the
   * function the background's `notifications.onButtonClicked` listener calls (or `onClicked`'s, without an index).
   */
  async clickNotification(id: string, buttonIndex?: number): Promise<void> {
    const worker = await this.worker();
    await worker.evaluate(
      ([notificationId, index]) => {
        const handlers = (globalThis as unknown as { beaconNotificationHandlers: NotificationHandlers })
          .beaconNotificationHandlers;
        if (index === null) handlers.onNotificationClicked(notificationId);
        else handlers.onNotificationButtonClicked(notificationId, index);
      },
      [id, buttonIndex ?? null] as const,
    );
  }

  /** A key of `storage.local` (or `storage.sync`); with null, everything in that area. */
  async storage<T>(key: string | null, area: 'local' | 'sync' = 'local'): Promise<T> {
    const worker = await this.worker();
    return worker.evaluate(
      async ([k, a]) => {
        const items = await chrome.storage[a].get(k);
        return (k === null ? items : items[k]) as T;
      },
      [key, area] as const,
    );
  }

  /**
   * Evaluates `expression` in the service worker, with `background` naming its global (FirefoxBeacon's method of the
   * same name names the MV2 background page). A string, not a function: tsx's helpers do not exist in the worker.
   */
  async evaluateInBackground<T>(expression: string): Promise<T> {
    const worker = await this.worker();
    return worker.evaluate(`((background) => (${expression}))(globalThis)`) as Promise<T>;
  }

  /** A CDP session on the service worker (heap, profiler), through a page of its own that `close` closes. */
  openWorkerCdpSession(): Promise<WorkerCdpSession> {
    return openWorkerCdpSession(this.context, this.extensionId);
  }

  /** Stops the extension's service worker the way Chrome does when idle (CDP ServiceWorker.stopAllWorkers). */
  async stopWorker(): Promise<void> {
    const page = await this.context.newPage();
    const cdp = await this.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await page.close();
  }

  /** Text of an element in the popup page (kept open between calls), or null when it is not there. */
  async popupText(selector: string): Promise<string | null> {
    return (await this.popupPage()).evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
  }

  async popupClick(selector: string): Promise<void> {
    await (await this.popupPage()).click(selector);
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

  async tabUrls(): Promise<string[]> {
    return this.context.pages().map((page) => page.url());
  }

  /** Opens an extension page (popup.html, options.html, or a page a benchmark added to its copy) in a new tab. */
  async openPage(path: string): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(`chrome-extension://${this.extensionId}/${path}`);
    return page;
  }

  /** Opens a web page (the reference server's start page, a hostile page) in a new tab of the same profile. */
  async openWebPage(url: string): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(url);
    return page;
  }

  /** Saves a screenshot of every open page and the console log, named after the test. */
  saveFailureArtifacts(name: string): Promise<void> {
    return writeFailureArtifacts(name, this.consoleLog, this.context.pages());
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    if (this.userDataDir) await rm(this.userDataDir, { recursive: true, force: true }).catch(() => {});
  }
}
