/**
 * The sustained load (sustained.ts) against Beacon in Firefox: the MV2 build's persistent background page, reached
 * from an extension page kept open (as in firefox-harness.ts). Firefox offers automation no heap reading or profiler
 * for the background page, so those rows are Chromium's only.
 */
import { rmSync } from 'node:fs';
import { FirefoxBeacon, FIREFOX_EXTENSION_DIR } from '../tests/drivers/firefox';
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';
import { isLiveTitle } from '../tests/drivers/badge-title';
import { CONTROL_PAGE, copyExtensionWithBenchPages } from './beacon-harness';
import { BENCH_PREFS } from './firefox-harness';
import { driveLoad, instrumentBackground, readCreated, readTitles } from './sustained';

const BACKGROUND = 'browser.extension.getBackgroundPage()';

export async function measureSustainedLoadInFirefox(rate: number, seconds: number, totalEvents: number) {
  const server = await TestServer.start();
  const extensionDir = copyExtensionWithBenchPages(FIREFOX_EXTENSION_DIR);
  const beacon = await FirefoxBeacon.launch(extensionDir, BENCH_PREFS);
  try {
    const control = await beacon.openPage(CONTROL_PAGE);
    const settings = { serverUrl: server.url, authMethod: 'token', token: USER.token };
    await control.evaluate(`browser.storage.local.set({ settings: ${JSON.stringify(settings)} })`);
    const title = () => control.evaluate('browser.browserAction.getTitle({})') as Promise<string>;
    await waitFor(title, (t) => isLiveTitle(t), 'live', 15_000);
    await control.evaluate(instrumentBackground(BACKGROUND));
    return await driveLoad(
      server,
      { rate, seconds, totalEvents },
      {
        title,
        titles: () => control.evaluate(readTitles(BACKGROUND)) as Promise<Array<[number, string]>>,
        notificationsCreated: () => control.evaluate(readCreated(BACKGROUND)) as Promise<number>,
        async paintOf(path) {
          try {
            const page = await beacon.openPage(path);
            try {
              await page.waitForFunction(() => performance.getEntriesByName('beacon:painted').length > 0, {
                timeout: 10_000,
              });
              return await page.evaluate(() => performance.getEntriesByName('beacon:painted')[0]!.startTime);
            } finally {
              await page.close();
            }
          } catch (error) {
            console.warn(`[bench] firefox: ${path} during the load did not paint: ${String(error).split('\n')[0]}`);
            return null;
          }
        },
        heap: null,
        profiler: null,
      },
    );
  } finally {
    await beacon.close();
    await server.dispose();
    rmSync(extensionDir, { recursive: true, force: true });
  }
}
