/// <reference types="chrome" />
/**
 * `npm run demo`: builds Beacon, starts the reference server with demo traffic, and opens Chromium with Beacon
 * loaded, pinned to the toolbar (the badge in view) and signed in as the demo user, with the popup open in a tab.
 * Without a display it runs headless, prints what the badge shows as it changes, and saves screenshots of the popup
 * (as the badge changes, at most one per 10 s) and the options page into a folder it names.
 * Options: --duration SECONDS (stop by itself), --port P (server port, default: a free one).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startBeaconServer } from '../server/app';
import { DEMO_USER, seedDemoInbox, startDemoTraffic } from '../server/demo-traffic';
import { CHROMIUM_PATH } from '../tests/drivers/browsers';
import { getChromiumArgs } from '../tests/drivers/chromium';
import { prepareDemoProfile } from './demo/demo-profile';

const { values } = parseArgs({ options: { duration: { type: 'string' }, port: { type: 'string', default: '0' } } });
const extensionDir = resolve('.output/chrome-mv3');
const time = () => new Date().toLocaleTimeString();

if (!existsSync(CHROMIUM_PATH)) {
  console.error(
    `Chromium is not installed at ${CHROMIUM_PATH}: run "sudo apt-get install -y chromium" (scripts/demo.sh does it for you).`,
  );
  process.exit(1);
}

console.log('Building Beacon for Chromium…');
execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });

const server = await startBeaconServer({ port: Number(values.port), adminToken: 'demo-admin-token', retryMs: 1000 });
await seedDemoInbox(server.store);
const stopTraffic = startDemoTraffic(server.store, 4000);
console.log(
  `Reference server: ${server.url} (demo user "${DEMO_USER.username}", a new notification every few seconds)`,
);
console.log(
  `Publish your own: BEACON_ADMIN_TOKEN=demo-admin-token npm run publish -- --server ${server.url} --type 3 --title "Hello"`,
);

const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const profile = await mkdtemp(join(tmpdir(), 'beacon-demo-'));
await prepareDemoProfile(profile, extensionDir);
const args = getChromiumArgs(extensionDir).filter((arg) => headless || arg !== '--headless=new');
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  headless,
  args,
  viewport: null,
});
const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
const extensionId = new URL(worker.url()).host;
await worker.evaluate(async (settings) => chrome.storage.local.set({ settings }), {
  serverUrl: server.url,
  authMethod: 'token',
  token: DEMO_USER.token,
  appUrl: `${server.url}/?category={category}`,
});
const { isOnToolbar } = await worker.evaluate(() => chrome.action.getUserSettings());
/** Headless, the popup and the options page are saved here as the demo goes (kept after it stops). */
const screenshotDir = headless ? await mkdtemp(join(tmpdir(), 'beacon-demo-screenshots-')) : null;
if (headless) {
  console.log('No display: Chromium runs headless.');
  console.log(`Screenshots of the popup (as the badge changes) and the options page go to ${screenshotDir}`);
} else {
  console.log(
    isOnToolbar
      ? 'Chromium is open with Beacon pinned to the toolbar (the badge beside the address bar); the popup is in a tab.'
      : 'Chromium is open with Beacon loaded, but not pinned: pin it from the extensions (puzzle) menu to see the badge.',
  );
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
}
console.log('The badge, as it changes:');

let lastShot = 0;
/** Saves the popup (and, the first time, the options page) as a user would see it now. */
async function saveScreenshots(): Promise<void> {
  if (!screenshotDir || Date.now() - lastShot < 10_000) return;
  const first = lastShot === 0;
  lastShot = Date.now();
  const stamp = new Date().toTimeString().slice(0, 8).replaceAll(':', '');
  const pages: Array<[string, { width: number; height: number }]> = [['popup', { width: 360, height: 720 }]];
  if (first) pages.push(['options', { width: 1280, height: 800 }]);
  for (const [name, viewport] of pages) {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(`chrome-extension://${extensionId}/${name}.html`);
    await page.waitForLoadState('load');
    // The popup's list settles after its first frame; options needs its settings read.
    await page.waitForTimeout(500);
    const path = join(screenshotDir, `${name}-${stamp}.png`);
    await page.screenshot({ path, fullPage: name === 'options' });
    await page.close();
    console.log(`  saved ${path}`);
  }
}

let last = '';
const poll = setInterval(() => {
  const current = context.serviceWorkers().find((w) => w.url().includes(extensionId));
  if (!current) return;
  void current
    .evaluate(async () => ({
      text: await chrome.action.getBadgeText({}),
      title: await chrome.action.getTitle({}),
      textAgain: await chrome.action.getBadgeText({}),
    }))
    .then(({ text, title, textAgain }) => {
      if (!title.startsWith('Beacon — ')) return; // the manifest's default title: not rendered yet
      if (text !== textAgain) return; // read in the middle of a render: the next poll sees it settled
      const [state = '', ...details] = title.split('\n');
      const line = `badge "${text}" — ${state.replace(/^Beacon — /, '')} (${details.filter((d) => d.includes(':') && !d.startsWith('Last')).join(', ')})`;
      if (line === last) return;
      console.log(`[${time()}] ${line}`);
      last = line;
      void saveScreenshots().catch(() => {});
    })
    .catch(() => {});
}, 500);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(poll);
  stopTraffic();
  await context.close().catch(() => {});
  await server.close();
  await rm(profile, { recursive: true, force: true });
  if (screenshotDir) console.log(`Screenshots of this demo: ${screenshotDir}`);
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
context.on('close', () => void stop());
if (values.duration) setTimeout(() => void stop(), Number(values.duration) * 1000);
else console.log('Press Ctrl-C to stop.');
