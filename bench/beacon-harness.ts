/**
 * One benchmark setup: the reference server, Beacon in real Chromium, and the baseline page in the same browser,
 * both signed in as the same user. Beacon's badge updates are timed by wrapping `chrome.action.setTitle` in the
 * service worker (the title changes with every count, even past 99+).
 */
/// <reference types="chrome" />
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { CHROME_EXTENSION_DIR, ChromiumBeacon } from '../tests/drivers/chromium';
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';
import type { BeaconServerOptions } from '../server/app';
import { serveBaselinePage } from './baseline-client';
import { isLiveTitle } from '../tests/drivers/badge-title';

export interface Harness {
  server: TestServer;
  beacon: ChromiumBeacon;
  worker: Worker;
  baseline: Page;
  /** [time, title] of every badge title Beacon set since the last reset. */
  beaconTitles(): Promise<Array<[number, string]>>;
  /** [time, category, count] of every count the baseline showed since the last reset. */
  baselineUpdates(): Promise<Array<[number, string, number]>>;
  resetRecords(): Promise<void>;
  close(): Promise<void>;
}

/** The page the popup paint is compared with: no framework, one classic script that reads the same snapshot. */
export const FLOOR_PAGE = 'bench-floor.html';
const FLOOR_HTML = `<!doctype html><html lang="en"><head><meta charset="UTF-8"><title>floor</title><script src="/bench-floor.js"></script></head><body><ul id="counts"></ul></body></html>`;
// The read starts at once; the answer can come before the parser has reached the list, so it also waits for that.
const FLOOR_JS = `const parsed = document.readyState === 'loading' ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve)) : null;
Promise.all([chrome.storage.local.get('snapshot'), parsed]).then(([{ snapshot }]) => {
  const list = document.getElementById('counts');
  for (const [category, count] of Object.entries(snapshot.counts)) {
    const item = document.createElement('li');
    item.dataset.category = category;
    item.textContent = category + ': ' + count;
    list.append(item);
  }
  performance.mark('beacon:painted');
});`;

/** A copy of the built extension with the floor page added (the shipped build stays as it is). */
function copyExtensionWithFloorPage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-ext-'));
  cpSync(CHROME_EXTENSION_DIR, dir, { recursive: true });
  writeFileSync(join(dir, FLOOR_PAGE), FLOOR_HTML);
  writeFileSync(join(dir, 'bench-floor.js'), FLOOR_JS);
  return dir;
}

export async function startHarness(options: Partial<BeaconServerOptions> = {}): Promise<Harness> {
  // The baseline page is the web app: its origin is on the server's CORS allow-list, as an operator would set it.
  const pages = await serveBaselinePage();
  const server = await TestServer.start({
    legacyUsernameAuth: true,
    maxStreamsPerUser: 64,
    allowedOrigins: [pages.origin],
    ...options,
  });
  const extensionDir = copyExtensionWithFloorPage();
  const beacon = await ChromiumBeacon.launch(extensionDir);
  await beacon.configure({ serverUrl: server.url, authMethod: 'token', token: USER.token });
  await waitFor(
    () => beacon.badge(),
    (badge) => isLiveTitle(badge.title),
    'Beacon live',
    15_000,
  );
  const worker = await beacon.worker();
  await worker.evaluate(() => {
    const scope = globalThis as unknown as { __titles: Array<[number, string]> };
    scope.__titles = [];
    const original = chrome.action.setTitle.bind(chrome.action) as (...args: unknown[]) => unknown;
    (chrome.action as unknown as { setTitle: (...args: unknown[]) => unknown }).setTitle = (details, ...rest) => {
      scope.__titles.push([performance.timeOrigin + performance.now(), (details as { title: string }).title]);
      return original(details, ...rest);
    };
  });
  const baseline = await beacon.context.newPage();
  await baseline.goto(pages.url(server.url, USER.username));
  await waitFor(
    () => server.live.streamCount(),
    (count) => count >= 2,
    'baseline connected',
    15_000,
  );

  return {
    server,
    beacon,
    worker,
    baseline,
    beaconTitles: () =>
      worker.evaluate(() => (globalThis as unknown as { __titles: Array<[number, string]> }).__titles),
    baselineUpdates: () =>
      baseline.evaluate(() => (window as unknown as { __updates: Array<[number, string, number]> }).__updates),
    async resetRecords() {
      await worker.evaluate(() => void ((globalThis as unknown as { __titles: unknown[] }).__titles = []));
      await baseline.evaluate(() => void ((window as unknown as { __updates: unknown[] }).__updates = []));
      server.requests.length = 0;
    },
    async close() {
      await beacon.close();
      await pages.close();
      await server.dispose();
      rmSync(extensionDir, { recursive: true, force: true });
    },
  };
}
