/**
 * The demo's Chromium profile pins Beacon to the toolbar, so the badge (the product) is on screen and not hidden in
 * the extensions menu. Chromium reports what the user sees through `action.getUserSettings().isOnToolbar`.
 */
/// <reference types="chrome" />
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getUnpackedExtensionId, prepareDemoProfile } from '../../scripts/demo/demo-profile';
import { hasBrowser } from '../drivers/browsers';
import { CHROME_EXTENSION_DIR, ChromiumBeacon } from '../drivers/chromium';

async function isOnToolbar(beacon: ChromiumBeacon): Promise<boolean> {
  const worker = await beacon.worker();
  return (await worker.evaluate(() => chrome.action.getUserSettings())).isOnToolbar;
}

describe.skipIf(!hasBrowser('chromium'))('Chromium: the demo profile', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function launch(prepare: boolean): Promise<ChromiumBeacon> {
    const profile = await mkdtemp(join(tmpdir(), 'beacon-demo-profile-'));
    cleanup.push(() => rm(profile, { recursive: true, force: true }));
    if (prepare) await prepareDemoProfile(profile, CHROME_EXTENSION_DIR);
    const beacon = await ChromiumBeacon.launch(CHROME_EXTENSION_DIR, profile);
    cleanup.push(() => beacon.close());
    return beacon;
  }

  it('pins Beacon to the toolbar, where a fresh profile hides it in the extensions menu', async () => {
    expect(await isOnToolbar(await launch(false))).toBe(false);
    const demo = await launch(true);
    expect(demo.extensionId).toBe(getUnpackedExtensionId(CHROME_EXTENSION_DIR));
    expect(await isOnToolbar(demo)).toBe(true);
  });
});
