/**
 * Measures what a real Chromium does with 7 event streams on one HTTP/1.1 origin (issue #25: several accounts on one
 * server): how many open at once, when the 7th opens, and how long a REST request waits meanwhile. A loopback HTTP/1.1
 * server holds each stream open; a page of the same origin opens them with `fetch`, as Beacon's background does.
 * `npx tsx scripts/same-origin-streams.ts` (`STREAMS=6` for six) prints the figures docs/architecture.md ("Same
 * origin") quotes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../tests/drivers/browsers';

const STREAMS = Number(process.env.STREAMS ?? 7);
/** How long the page waits for the 7th stream and the REST request before it gives up (the 6 open ones stay open). */
const WAIT_MS = 5000;

const open = new Set<ServerResponse>();
const server = createServer((request, response) => {
  if (request.url === '/') {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>streams</title>');
  } else if (request.url?.startsWith('/stream')) {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    response.write(': open\n\n');
    open.add(response);
    response.on('close', () => open.delete(response));
  } else {
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"unread_count":0}');
  }
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// A persistent context, as the e2e drivers launch it (a plain launch of this Chromium build disconnects at once).
const profile = await mkdtemp(join(tmpdir(), 'beacon-streams-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  // The page opens the streams, then a REST request, and notes when each got its response headers.
  await page.evaluate((streams) => {
    const start = performance.now();
    const state = { opened: Array.from({ length: streams }, () => null as number | null), rest: null as number | null };
    Object.assign(window, { streamState: state });
    for (let index = 0; index < streams; index++) {
      void fetch(`/stream?n=${index}`, { cache: 'no-store' }).then(async (response) => {
        state.opened[index] = Math.round(performance.now() - start);
        const reader = response.body!.getReader();
        while (!(await reader.read()).done);
      });
    }
    setTimeout(() => {
      void fetch('/notification/likes?limit=1', { cache: 'no-store' }).then(() => {
        state.rest = Math.round(performance.now() - start);
      });
    }, 500);
  }, STREAMS);
  const read = () => page.evaluate(() => structuredClone((window as unknown as { streamState: unknown }).streamState));
  await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  const beforeClose = await read();
  // One stream ends (an account removed or signed out): its connection goes back to the pool.
  const closedAt = WAIT_MS;
  const [first] = open;
  first?.end();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const result = { waitedMs: WAIT_MS, beforeClose, oneStreamEndedAtMs: closedAt, afterClose: await read() };
  const version = browser.browser()?.version() ?? 'unknown';
  console.log(JSON.stringify({ chromium: version, origin, streams: STREAMS, ...result }, null, 2));
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
  for (const response of open) response.destroy();
  server.close();
}
