/**
 * Chromium driven by puppeteer-core with Beacon signed in to a server, for the figures read over CDP from the service
 * worker (heap, profiler): Playwright cannot open a CDP session on a service worker.
 */
import puppeteer, { type Browser } from 'puppeteer-core';
import { CHROMIUM_PATH } from '../tests/drivers/browsers';
import { CHROME_EXTENSION_DIR, QUIET_CHROMIUM_FLAGS } from '../tests/drivers/chromium';
import { USER, waitFor, type TestServer } from '../tests/drivers/test-server';
import { isLiveTitle } from '../tests/drivers/badge-title';

/**
 * The extension's service worker once its extension APIs are there. Right after the extension loads, the first
 * worker target can be one whose global has no `chrome` yet (seen once in a CI run: "chrome is not defined"), or one
 * that is replaced: look again until the APIs answer.
 */
async function findExtensionWorker(browser: Browser) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'),
      { timeout: 20_000 },
    );
    const worker = await target.worker().catch(() => null);
    const ready = await worker
      ?.evaluate(() => typeof chrome !== 'undefined' && typeof chrome.storage?.local?.set === 'function')
      .catch(() => false);
    if (worker && ready) return { target, worker };
    if (Date.now() > deadline) throw new Error("the extension's service worker has no extension APIs after 20 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function launchSignedInWorker(server: TestServer, extensionDir = CHROME_EXTENSION_DIR) {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    pipe: true,
    enableExtensions: [extensionDir],
    args: QUIET_CHROMIUM_FLAGS,
  });
  try {
    const { target, worker } = await findExtensionWorker(browser);
    await worker.evaluate((settings) => chrome.storage.local.set({ settings }), {
      serverUrl: server.url,
      authMethod: 'token',
      token: USER.token,
    });
    const title = () => worker.evaluate(() => chrome.action.getTitle({}));
    await waitFor(title, (t) => isLiveTitle(t), 'live', 15_000);
    return { browser, target, worker, title, extensionOrigin: `chrome-extension://${new URL(target.url()).host}` };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
