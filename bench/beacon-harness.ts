/**
 * One benchmark setup: the reference server, Beacon in a real browser, and the baseline page in the same browser,
 * both signed in as the same user. This file has what both browsers share and the Chromium setup; Firefox's is in
 * firefox-harness.ts. Beacon's badge updates are timed by wrapping the action's `setTitle` in the background (the
 * title changes with every count, even past 99+).
 */
/// <reference types="chrome" />
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { ChromiumBeacon, CHROME_EXTENSION_DIR, type BadgeState } from '../tests/drivers/chromium';
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';
import type { BeaconServerOptions } from '../server/app';
import { serveBaselinePage } from './baseline-client';
import { isLiveTitle } from '../tests/drivers/badge-title';
import { now } from './stats';

/** When Beacon (the request with a bearer token) first asked for the stream. */
export function getFirstStreamRequestAt(server: TestServer): number {
  const request = server.requests.find(
    (r) => r.url.startsWith('/notification/socket_connection') && r.headers.authorization,
  );
  return request ? request.at : Number.NaN;
}

export type BenchBrowser = 'chromium' | 'firefox';

/** An open page in either browser, as far as the scenarios use it: an expression in, its (awaited) value out. */
export interface BenchPage {
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export interface Harness {
  browser: BenchBrowser;
  server: TestServer;
  /** The first Save after install (settings written right after the browser started) → Beacon's first stream request. */
  firstSaveMs: number;
  badge(): Promise<BadgeState>;
  /** Opens an extension page (popup.html, or one the harness added) in a new tab, once it has loaded. */
  openPage(path: string): Promise<BenchPage>;
  /** Removes the popup's inbox cache, so the next expand makes the full trip. */
  clearInboxCache(): Promise<void>;
  /** [time, title] of every badge title Beacon set since the last reset. */
  beaconTitles(): Promise<Array<[number, string]>>;
  /** [time, category, count] of every count the baseline showed since the last reset. */
  baselineUpdates(): Promise<Array<[number, string, number]>>;
  resetRecords(): Promise<void>;
  /**
   * Connects or disconnects the baseline page. Load scenarios measure Beacon with the baseline page closed, then the
   * baseline page: run together, the baseline's request per event held up Beacon's requests in the same browser
   * (Firefox at 200 events/s: Beacon's p99 750 ms beside it, 290–400 ms alone).
   */
  setBaselineConnected(connected: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Opens or closes the baseline page's stream and waits until the server sees it. */
export async function switchBaseline(
  page: { goto(url: string): Promise<unknown> },
  url: string,
  server: TestServer,
  connected: boolean,
): Promise<void> {
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

/** The page the popup paint is compared with: no framework, one classic script that reads the same snapshot. */
export const FLOOR_PAGE = 'bench-floor.html';
/** An empty extension page the Firefox harness keeps open to reach extension APIs and the background page. */
export const CONTROL_PAGE = 'bench-control.html';
const FLOOR_HTML = `<!doctype html><html lang="en"><head><meta charset="UTF-8"><title>floor</title><script src="/bench-floor.js"></script></head><body><ul id="counts"></ul></body></html>`;
// The read starts at once; the answer can come before the parser has reached the list, so it also waits for that.
// Firefox MV2's `chrome` namespace takes callbacks; its `browser` namespace returns promises.
const FLOOR_JS = `const parsed = document.readyState === 'loading' ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve)) : null;
const api = globalThis.browser ?? chrome;
Promise.all([api.storage.local.get('snapshot'), parsed]).then(([{ snapshot }]) => {
  const list = document.getElementById('counts');
  for (const [category, count] of Object.entries(snapshot.counts)) {
    const item = document.createElement('li');
    item.dataset.category = category;
    item.textContent = category + ': ' + count;
    list.append(item);
  }
  performance.mark('beacon:painted');
});`;

/** A copy of a built extension with the bench pages added (the shipped build stays as it is). */
export function copyExtensionWithBenchPages(sourceDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-ext-'));
  cpSync(sourceDir, dir, { recursive: true });
  writeFileSync(join(dir, FLOOR_PAGE), FLOOR_HTML);
  writeFileSync(join(dir, 'bench-floor.js'), FLOOR_JS);
  writeFileSync(join(dir, CONTROL_PAGE), '<!doctype html><meta charset="utf-8"><title>control</title>');
  return dir;
}

/** Reads a page's records the way both browsers' page handles accept: an expression string. */
export const BASELINE_UPDATES = 'window.__updates';
export const RESET_BASELINE = 'void (window.__updates = [])';

export async function startHarness(
  options: Partial<BeaconServerOptions> = {},
  browser: BenchBrowser = 'chromium',
): Promise<Harness> {
  if (browser === 'firefox') {
    const { startFirefoxHarness } = await import('./firefox-harness');
    return startFirefoxHarness(options);
  }
  return startChromiumHarness(options);
}

/** The reference server and the baseline page's own origin, which is on the server's CORS allow-list. */
export async function startServerWithBaselinePage(options: Partial<BeaconServerOptions>) {
  // The baseline page is the web app: its origin is on the server's CORS allow-list, as an operator would set it.
  const pages = await serveBaselinePage();
  const server = await TestServer.start({
    legacyUsernameAuth: true,
    maxStreamsPerUser: 64,
    allowedOrigins: [pages.origin],
    ...options,
  });
  return { pages, server };
}

async function startChromiumHarness(options: Partial<BeaconServerOptions>): Promise<Harness> {
  const { pages, server } = await startServerWithBaselinePage(options);
  const extensionDir = copyExtensionWithBenchPages(CHROME_EXTENSION_DIR);
  const beacon = await ChromiumBeacon.launch(extensionDir);
  const savedAt = now();
  await beacon.configure({ serverUrl: server.url, authMethod: 'token', token: USER.token });
  await waitFor(
    () => beacon.badge(),
    (badge) => isLiveTitle(badge.title),
    'Beacon live',
    15_000,
  );
  const firstSaveMs = getFirstStreamRequestAt(server) - savedAt;
  const worker: Worker = await beacon.worker();
  await worker.evaluate(() => {
    const scope = globalThis as unknown as { __titles: Array<[number, string]> };
    scope.__titles = [];
    const original = chrome.action.setTitle.bind(chrome.action) as (...args: unknown[]) => unknown;
    (chrome.action as unknown as { setTitle: (...args: unknown[]) => unknown }).setTitle = (details, ...rest) => {
      scope.__titles.push([performance.timeOrigin + performance.now(), (details as { title: string }).title]);
      return original(details, ...rest);
    };
  });
  const baseline: Page = await beacon.context.newPage();
  const baselineUrl = pages.url(server.url, USER.username);
  await switchBaseline(baseline, baselineUrl, server, true);

  return {
    browser: 'chromium',
    server,
    firstSaveMs,
    badge: () => beacon.badge(),
    async openPage(path) {
      const page = await beacon.openPage(path);
      return { evaluate: (expression) => page.evaluate(expression), close: () => page.close() };
    },
    async clearInboxCache() {
      const running = await beacon.worker();
      await running.evaluate(() => chrome.storage.local.remove('inboxCache'));
    },
    beaconTitles: () =>
      worker.evaluate(() => (globalThis as unknown as { __titles: Array<[number, string]> }).__titles),
    baselineUpdates: () => baseline.evaluate(BASELINE_UPDATES),
    async resetRecords() {
      await worker.evaluate(() => void ((globalThis as unknown as { __titles: unknown[] }).__titles = []));
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
