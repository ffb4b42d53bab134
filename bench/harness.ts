/**
 * One benchmark setup, the same in both browsers: the reference server, Beacon in a real browser through the e2e
 * driver (tests/drivers/chromium.ts, tests/drivers/firefox.ts) and the baseline page in the same profile, signed in
 * as the same user. Beacon's badge updates are timed by wrapping the action's `setTitle` in the background (the title
 * changes with every count, even past 99+); its OS notifications are counted by wrapping `notifications.create`.
 */
import { rmSync } from 'node:fs';
import type { BeaconServerOptions } from '../server/app';
import type { Settings } from '../utils/settings/settings';
import { isLiveTitle } from '../tests/drivers/badge-title';
import type { BrowserName } from '../tests/drivers/browsers';
import { ChromiumBeacon, CHROME_EXTENSION_DIR, type BadgeState } from '../tests/drivers/chromium';
import { FirefoxBeacon, FIREFOX_EXTENSION_DIR } from '../tests/drivers/firefox';
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';
import type { WorkerCdpSession } from '../tests/drivers/worker-cdp';
import { serveBaselinePage } from './baseline-client';
import { CONTROL_PAGE, copyExtensionWithBenchPages } from './bench-pages';
import { createWorkerProbe, type WorkerProbe } from './worker-probe';
import { now } from './stats';

export type BenchBrowser = BrowserName;

/** An open page in either browser, as far as the scenarios use it: an expression in, its (awaited) value out. */
export interface BenchPage {
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/** A page as both drivers return it (a Playwright or a puppeteer page). */
interface DriverPage {
  evaluate(expression: string): Promise<unknown>;
  goto(url: string): Promise<unknown>;
  close(): Promise<unknown>;
}

/** What the benchmark uses of an e2e driver; ChromiumBeacon and FirefoxBeacon both have it. */
interface BenchDriver {
  configure(settings: Partial<Settings>): Promise<void>;
  badge(): Promise<BadgeState>;
  openPage(path: string): Promise<DriverPage>;
  openWebPage(url: string): Promise<DriverPage>;
  evaluateInBackground<T>(expression: string): Promise<T>;
  /** Where the browser offers CDP on the background (Chromium). */
  openWorkerCdpSession?(): Promise<WorkerCdpSession>;
  close(): Promise<void>;
}

/**
 * Timestamps at full precision (Firefox rounds `performance.now()` by default), and no timer throttling of the
 * baseline's tab when the benchmark opens popup tabs in front of it (Chromium's headless tabs are not throttled).
 */
const FIREFOX_PREFS = {
  'privacy.reduceTimerPrecision': false,
  'dom.timeout.enable_budget_timer_throttling': false,
  'dom.min_background_timeout_value': 4,
};

const BUILDS: Record<BenchBrowser, string> = { chromium: CHROME_EXTENSION_DIR, firefox: FIREFOX_EXTENSION_DIR };
const DRIVERS = { chromium: ChromiumBeacon, firefox: FirefoxBeacon } satisfies Record<BenchBrowser, unknown>;

/** The driver for each browser; Firefox's API calls go through the empty control page, not a popup. */
const launchDriver = (browser: BenchBrowser, extensionDir: string): Promise<BenchDriver> =>
  browser === 'firefox'
    ? FirefoxBeacon.launch(extensionDir, { prefs: FIREFOX_PREFS, apiPage: CONTROL_PAGE })
    : ChromiumBeacon.launch(extensionDir);

/** Whether the browser's driver reads the background's heap and CPU time (Harness.openProbe), known before launch. */
export const offersProbe = (browser: BenchBrowser): boolean => 'openWorkerCdpSession' in DRIVERS[browser].prototype;

export interface HarnessOptions {
  server?: Partial<BeaconServerOptions>;
  /** Whether the baseline page's stream is open from the start (the default); otherwise its tab opens when asked. */
  baseline?: boolean;
  /**
   * Badge titles the instrumentation keeps (the last ones): all by default; a long load keeps few, so that they do
   * not weigh on the heap it reads.
   */
  titlesKept?: number;
}

export interface Harness {
  browser: BenchBrowser;
  server: TestServer;
  /** The first Save after install (settings written right after the browser started) → Beacon's first stream request. */
  firstSaveMs: number;
  badge(): Promise<BadgeState>;
  /** Opens an extension page (popup.html, or one of bench-pages.ts) in a new tab, once it has loaded. */
  openPage(path: string): Promise<BenchPage>;
  /** Removes the popup's inbox cache, so the next expand makes the full trip. */
  clearInboxCache(): Promise<void>;
  /** Evaluates `expression` in the background (`background` is its global) and resolves with its awaited value. */
  evaluateInBackground<T>(expression: string): Promise<T>;
  /** [time, title] of the badge titles Beacon set since the last reset (the last `titlesKept`). */
  beaconTitles(): Promise<Array<[number, string]>>;
  /** OS notifications Beacon created since the browser started. */
  notificationsCreated(): Promise<number>;
  /** [time, category, count] of every count the baseline showed since the last reset. */
  baselineUpdates(): Promise<Array<[number, string, number]>>;
  resetRecords(): Promise<void>;
  /**
   * Connects or disconnects the baseline page. Load scenarios measure Beacon with the baseline page closed, then the
   * baseline page: run together, the baseline's request per event held up Beacon's requests in the same browser
   * (Firefox at 200 events/s: Beacon's p99 750 ms beside it, 290–400 ms alone).
   */
  setBaselineConnected(connected: boolean): Promise<void>;
  /** Heap and CPU time of the background, where the browser offers them to automation (Chromium); else null. */
  openProbe(): Promise<WorkerProbe | null>;
  close(): Promise<void>;
}

/** Runs in the background (`background` is its global): wraps `setTitle` and `notifications.create`. */
const instrument = (titlesKept: number) => `(() => {
  const api = background.browser ?? background.chrome;
  const action = api.action ?? api.browserAction;
  background.__titles = [];
  background.__created = 0;
  const setTitle = action.setTitle.bind(action);
  action.setTitle = (details, ...rest) => {
    const titles = background.__titles;
    titles.push([background.performance.timeOrigin + background.performance.now(), details.title]);
    if (titles.length > ${titlesKept}) titles.splice(0, titles.length - Math.floor(${titlesKept} / 2));
    return setTitle(details, ...rest);
  };
  const create = api.notifications.create.bind(api.notifications);
  api.notifications.create = (...args) => {
    background.__created++;
    return create(...args);
  };
})()`;

export async function startHarness(
  browser: BenchBrowser,
  { server: serverOptions = {}, baseline = true, titlesKept = Number.MAX_SAFE_INTEGER }: HarnessOptions = {},
): Promise<Harness> {
  // The baseline page is the web app: its origin is on the server's CORS allow-list, as an operator would set it.
  const pages = await serveBaselinePage();
  const server = await TestServer.start({
    legacyUsernameAuth: true,
    maxStreamsPerUser: 64,
    allowedOrigins: [pages.origin],
    ...serverOptions,
  });
  const extensionDir = copyExtensionWithBenchPages(BUILDS[browser]);
  let beacon: BenchDriver | null = null;
  const close = async () => {
    await beacon?.close();
    await pages.close();
    await server.dispose();
    rmSync(extensionDir, { recursive: true, force: true });
  };
  try {
    beacon = await launchDriver(browser, extensionDir);
    const driver = beacon;
    await driver.badge(); // the first API call opens Firefox's control page: the Save below is timed alone
    const savedAt = now();
    await driver.configure({ serverUrl: server.url, authMethod: 'token', token: USER.token });
    await waitFor(
      () => driver.badge(),
      (badge) => isLiveTitle(badge.title),
      'Beacon live',
      15_000,
    );
    const firstSaveMs = getFirstStreamRequestAt(server) - savedAt;
    await driver.evaluateInBackground(instrument(titlesKept));

    const baselineUrl = pages.url(server.url, USER.username);
    let baselinePage: DriverPage | null = null;
    const setBaselineConnected = async (connected: boolean) => {
      baselinePage ??= await driver.openWebPage('about:blank');
      await switchBaseline(baselinePage, baselineUrl, server, connected);
    };
    if (baseline) await setBaselineConnected(true);
    let probe: Promise<WorkerProbe | null> | null = null;
    return {
      browser,
      server,
      firstSaveMs,
      badge: () => driver.badge(),
      async openPage(path) {
        const page = await driver.openPage(path);
        return {
          evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
          close: async () => void (await page.close()),
        };
      },
      clearInboxCache: () =>
        driver.evaluateInBackground("(background.browser ?? background.chrome).storage.local.remove('inboxCache')"),
      evaluateInBackground: (expression) => driver.evaluateInBackground(expression),
      beaconTitles: () => driver.evaluateInBackground('background.__titles'),
      notificationsCreated: () => driver.evaluateInBackground('background.__created'),
      baselineUpdates: async () =>
        baselinePage ? ((await baselinePage.evaluate('window.__updates')) as Array<[number, string, number]>) : [],
      async resetRecords() {
        await driver.evaluateInBackground('void (background.__titles.length = 0)');
        await baselinePage?.evaluate('void (window.__updates = [])');
        server.requests.length = 0;
      },
      setBaselineConnected,
      openProbe: () =>
        (probe ??= driver.openWorkerCdpSession
          ? driver.openWorkerCdpSession().then(createWorkerProbe)
          : Promise.resolve(null)),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** When Beacon (the request with a bearer token) first asked for the stream. */
function getFirstStreamRequestAt(server: TestServer): number {
  const request = server.requests.find(
    (r) => r.url.startsWith('/notification/socket_connection') && r.headers.authorization,
  );
  return request ? request.at : Number.NaN;
}

/** Opens or closes the baseline page's stream and waits until the server sees it. */
async function switchBaseline(page: DriverPage, url: string, server: TestServer, connected: boolean): Promise<void> {
  await page.goto(connected ? url : 'about:blank');
  await waitFor(
    () => server.live.streamCount(),
    (count) => (connected ? count >= 2 : count <= 1),
    connected ? 'baseline connected' : 'baseline closed',
    15_000,
  );
  // Its first count requests (connected) or the stream's end (closed) settle before anything is measured.
  await new Promise((resolve) => setTimeout(resolve, 300));
}
