/// <reference types="chrome" />
/**
 * `npm run demo`: builds Beacon, starts the reference server with demo traffic, and opens Chromium with Beacon
 * loaded and signed in as the demo user. Without a display it runs headless and prints what the badge shows as it
 * changes. Options: --duration SECONDS (stop by itself), --port P (server port, default: a free one).
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
console.log(
  headless
    ? 'No display: Chromium runs headless. The badge, as it changes:'
    : 'Chromium is open with Beacon loaded: click its toolbar icon. The badge, as it changes:',
);
if (!headless) {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
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
      if (line !== last) console.log(`[${time()}] ${line}`);
      last = line;
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
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
context.on('close', () => void stop());
if (values.duration) setTimeout(() => void stop(), Number(values.duration) * 1000);
else console.log('Press Ctrl-C to stop.');
