/**
 * `npm run screenshots`: the store images and the README's screenshots, rendered from the built Chrome extension in
 * headless Chromium (the e2e driver) against the demo server's seeded inbox, in en and zh_CN:
 * - docs/images/store/<locale>/screenshot-1-popup.png and screenshot-2-options.png (1280×800),
 *   promo-small.png (440×280);
 * - docs/images/popup.png and options.png (en), which README.md shows.
 * It builds the Chrome extension first (`--no-build` to use .output/chrome-mv3 as it is).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startBeaconServer } from '../server/app';
import { DEMO_USER, seedDemoInbox } from '../server/demo-traffic';
import { CHROME_EXTENSION_DIR, ChromiumBeacon } from '../tests/drivers/chromium';
import { waitFor } from '../tests/drivers/test-server';
import {
  getPopupScreenshotHtml,
  getPromoTileHtml,
  LISTING_LOCALES,
  PROMO_TILE_SIZE,
  SCREENSHOT_SIZE,
  type ListingLocale,
  type ListingParts,
} from './store/listing-images';

const IMAGES = 'docs/images';
const { values } = parseArgs({ options: { 'no-build': { type: 'boolean', default: false } } });
if (!values['no-build']) execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
/** A fixed sequence instead of Math.random: the same names and items on every run, so the images change only when the product does. */
function seededRandom(seed: number): () => number {
  return () => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
}

async function renderHtml(beacon: ChromiumBeacon, html: string, size: { width: number; height: number }, path: string) {
  const page = await beacon.context.newPage();
  await page.setViewportSize(size);
  await page.setContent(html, { waitUntil: 'load' });
  await page.screenshot({ path });
  await page.close();
}

async function openPopupWithComments(beacon: ChromiumBeacon): Promise<Page> {
  const popup = await beacon.openPage('popup.html');
  await popup.setViewportSize({ width: 360, height: 720 });
  await popup.click('li[data-category=comments] [data-test=toggle]');
  await popup.waitForSelector('[data-test=item]');
  // Fonts and the expanded list settle before the picture.
  await popup.evaluate(() => document.fonts.ready);
  return popup;
}

async function renderLocale(serverUrl: string, folder: ListingLocale, lang: string): Promise<void> {
  const beacon = await ChromiumBeacon.launch(CHROME_EXTENSION_DIR, undefined, { lang });
  try {
    await beacon.configure({
      serverUrl,
      authMethod: 'token',
      token: DEMO_USER.token,
      appUrl: `${serverUrl}/?category={category}`,
    });
    const badge = await waitFor(
      () => beacon.badge(),
      // Live is red (BADGE_COLORS.live): the count is the server's, not a cached one.
      (state) => /^\d+$/.test(state.text) && state.color.join() === '217,48,37,255',
      'a live badge with the seeded count',
    );
    const outDir = join(IMAGES, 'store', folder);
    mkdirSync(outDir, { recursive: true });

    const popup = await openPopupWithComments(beacon);
    const popupPng = await popup.locator('main').screenshot();
    if (folder === 'en') await popup.locator('main').screenshot({ path: join(IMAGES, 'popup.png') });
    const parts: ListingParts = {
      popup: dataUrl(popupPng),
      icon: dataUrl(readFileSync(join(CHROME_EXTENSION_DIR, 'icon/128.png'))),
      badgeText: badge.text,
      badgeColor: badge.color,
    };
    await renderHtml(
      beacon,
      getPopupScreenshotHtml(parts, folder),
      SCREENSHOT_SIZE,
      join(outDir, 'screenshot-1-popup.png'),
    );
    await renderHtml(beacon, getPromoTileHtml(parts, folder), PROMO_TILE_SIZE, join(outDir, 'promo-small.png'));

    const options = await beacon.openPage('options.html');
    await options.setViewportSize(SCREENSHOT_SIZE);
    await options.waitForSelector('[data-test=shortcut]');
    await options.evaluate(() => document.fonts.ready);
    await options.screenshot({ path: join(outDir, 'screenshot-2-options.png') });
    if (folder === 'en') {
      await options.setViewportSize({ width: 720, height: 900 });
      await options.screenshot({ path: join(IMAGES, 'options.png'), fullPage: true });
    }
    console.log(`${folder}: badge "${badge.text}", images in ${outDir}`);
  } finally {
    await beacon.close();
  }
}

const server = await startBeaconServer({ port: 0, adminToken: 'screenshots-admin-token', retryMs: 1000 });
try {
  await seedDemoInbox(server.store, seededRandom(27));
  for (const { folder, lang } of LISTING_LOCALES) await renderLocale(server.url, folder, lang);
} finally {
  await server.close();
}
