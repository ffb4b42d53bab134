/// <reference types="chrome" />
/**
 * The reliability rig: the reference server (the truth), the fault proxy in front of it, and Beacon in a real
 * browser pointed at the proxy. It reads what a user sees (badge, tooltip, the popup's state line, OS notifications)
 * and what only a tester can (the console, the requests the server received), through one driver per browser.
 */
import type { Settings } from '../../utils/settings/settings';
import { getVisibleCategories, type Category } from '../../utils/protocol/categories';
import { getExpectedBadgeText, getTitleCount, isLiveTitle } from '../drivers/badge-title';
import { ChromiumBeacon, type BadgeState } from '../drivers/chromium';
import { FirefoxBeacon } from '../drivers/firefox';
import { TestServer, USER, waitFor } from '../drivers/test-server';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from './fault-proxy';

export type RigBrowserName = 'chromium' | 'firefox';

/** What the rig needs from a browser; the optional parts are faults only that browser can suffer. */
export interface RigBrowser {
  readonly name: RigBrowserName;
  configure(settings: Partial<Settings>): Promise<void>;
  badge(): Promise<BadgeState>;
  /** The popup's state line ("Live", "Reconnecting in 3 s", …), from a popup kept open. */
  stateLine(): Promise<string | null>;
  /** Presses "Retry now" in a freshly opened popup, as a user would. */
  pressRetry(): Promise<void>;
  storage<T>(key: string): Promise<T>;
  /** Ids of every OS notification Beacon raised so far. */
  notificationIds(): Promise<string[]>;
  /** Console lines of the background (and extension pages) seen so far. */
  readonly consoleLog: string[];
  stopWorker?(): Promise<void>;
  setOffline?(offline: boolean): Promise<void>;
  saveFailureArtifacts(name: string): Promise<void>;
  close(): Promise<void>;
}

/** What both e2e drivers (ChromiumBeacon, FirefoxBeacon) offer alike. */
interface DriverBeacon {
  readonly consoleLog: string[];
  configure(settings: Partial<Settings>): Promise<void>;
  badge(): Promise<BadgeState>;
  popupText(selector: string): Promise<string | null>;
  storage<T>(key: string): Promise<T>;
  openPage(path: 'popup.html'): Promise<{ click(selector: string): Promise<unknown>; close(): Promise<unknown> }>;
  saveFailureArtifacts(name: string): Promise<void>;
  close(): Promise<void>;
}

function createRigBrowser(
  name: RigBrowserName,
  beacon: DriverBeacon,
  own: Pick<RigBrowser, 'notificationIds' | 'stopWorker' | 'setOffline'>,
): RigBrowser {
  return {
    name,
    consoleLog: beacon.consoleLog,
    configure: (settings) => beacon.configure(settings),
    badge: () => beacon.badge(),
    stateLine: () => beacon.popupText('[data-test=connection-label]'),
    storage: (key) => beacon.storage(key),
    async pressRetry() {
      const page = await beacon.openPage('popup.html');
      // Loaded is not yet mounted: a loaded Firefox run clicked before Vue had put the button there ("No element
      // found"). Playwright's click waits for the element by itself; puppeteer's fails at once, so it is tried again.
      await waitFor(
        () => page.click('.connection__retry').then(() => true),
        (clicked) => clicked,
        'the Retry button in the popup',
      );
      await new Promise((resolve) => setTimeout(resolve, 200)); // the click's message is on its way
      await page.close();
    },
    saveFailureArtifacts: (test) => beacon.saveFailureArtifacts(test),
    close: () => beacon.close(),
    ...own,
  };
}

function createChromiumRigBrowser(beacon: ChromiumBeacon): RigBrowser {
  const seen = new Set<string>();
  return createRigBrowser('chromium', beacon, {
    /** Every create() is recorded by a wrapper put into each worker; getAll() fills in what a new worker did first. */
    async notificationIds() {
      const worker = await beacon.worker();
      const ids = await worker.evaluate(async () => {
        const scope = globalThis as unknown as { __created?: string[] };
        if (!scope.__created) {
          scope.__created = [];
          const original = chrome.notifications.create.bind(chrome.notifications) as (...args: unknown[]) => unknown;
          (chrome.notifications as unknown as { create: (...args: unknown[]) => unknown }).create = (id, ...rest) => {
            scope.__created!.push(String(id));
            return original(id, ...rest);
          };
        }
        return [...scope.__created, ...Object.keys(await chrome.notifications.getAll())];
      });
      for (const id of ids) seen.add(id);
      return [...seen];
    },
    stopWorker: () => beacon.stopWorker(),
    setOffline: (offline) => beacon.context.setOffline(offline),
  });
}

export interface Truth {
  counts: Partial<Record<Category, number>>;
  total: number;
}

export interface StoredState {
  connection: { status: string; retryAt: number | null; reason: { code: string } | null };
  diagnostics: Record<string, number | null>;
}

export class Rig {
  /** Every token Beacon was ever given: none may appear in a URL or a log line. */
  readonly tokens = new Set<string>();
  private token = USER.token;

  private constructor(
    readonly server: TestServer,
    readonly proxy: FaultProxy,
    readonly browser: RigBrowser,
  ) {}

  static async start(browserName: RigBrowserName): Promise<Rig> {
    const server = await TestServer.start();
    const proxy = await startFaultProxy({ target: () => server.url });
    const browser =
      browserName === 'chromium'
        ? createChromiumRigBrowser(await ChromiumBeacon.launch())
        : await FirefoxBeacon.launch().then((beacon) =>
            createRigBrowser('firefox', beacon, { notificationIds: () => beacon.notificationsShown() }),
          );
    const rig = new Rig(server, proxy, browser);
    await browser.notificationIds(); // starts recording
    await rig.signIn(USER.token);
    return rig;
  }

  get currentToken(): string {
    return this.token;
  }

  async signIn(token: string): Promise<void> {
    this.token = token;
    this.tokens.add(token);
    await this.browser.configure({ serverUrl: this.proxy.url, authMethod: 'token', token });
  }

  /** The server's counts for the user, as the badge must show them. */
  async truth(): Promise<Truth> {
    const all = await this.server.live.store.unreadCounts(USER.username);
    const counts: Truth['counts'] = {};
    let total = 0;
    for (const category of getVisibleCategories(USER.role)) {
      counts[category] = all[category];
      total += all[category];
    }
    return { counts, total };
  }

  /** Null when the badge shows the truth and says live; otherwise what is wrong. */
  static compare(badge: BadgeState, truth: Truth): string | null {
    const expected = getExpectedBadgeText(truth.total);
    if (badge.text !== expected) return `badge "${badge.text}", expected "${expected}"`;
    if (!isLiveTitle(badge.title)) return `not live: ${badge.title.split('\n')[0]}`;
    for (const [category, count] of Object.entries(truth.counts)) {
      const shown = getTitleCount(badge.title, category);
      if (shown !== count) return `${category} ${shown}, expected ${count}`;
    }
    return null;
  }

  /** The persisted snapshot's first (here: only) account's connection, and the diagnostics. */
  async stored(): Promise<StoredState | null> {
    const snapshot = await this.browser
      .storage<{ accounts?: Array<Pick<StoredState, 'connection'>>; diagnostics: StoredState['diagnostics'] } | null>(
        'snapshot',
      )
      .catch(() => null);
    if (!snapshot) return null;
    const connection = snapshot.accounts?.[0]?.connection ?? { status: 'unconfigured', retryAt: null, reason: null };
    return { connection, diagnostics: snapshot.diagnostics };
  }

  /** Stream requests the proxy received (forwarded or answered by a fault) since `since` (epoch ms). */
  streamRequestsSince(since: number): ProxiedRequest[] {
    return this.proxy.requests.filter(
      (request) => request.at >= since && request.url.startsWith('/notification/socket_connection'),
    );
  }

  attemptsSince(since: number): number {
    return this.streamRequestsSince(since).length;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.proxy.close();
    await this.server.dispose();
  }
}
