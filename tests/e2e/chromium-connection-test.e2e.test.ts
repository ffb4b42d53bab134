/**
 * The options page's connection test in real Chromium, against the reference server, its legacy mode (events without
 * counts) and a buffering proxy in front of it (tests/helpers/buffering-proxy.ts: nginx's `proxy_buffering on`).
 * While the test watches, the harness publishes one notice and marks it read, as a user's web app would: the test
 * itself publishes nothing and marks nothing read. Chromium only: the test runs in the options page, the same code in
 * both browsers; what differs is Resource Timing's nextHopProtocol, which this file records.
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import type { BeaconServerOptions } from '../../server/app';
import { hasBrowser } from '../drivers/browsers';
import { ChromiumBeacon } from '../drivers/chromium';
import { TestServer, USER } from '../drivers/test-server';
import { startBufferingProxy, type BufferingProxy } from '../helpers/buffering-proxy';

describe.skipIf(!hasBrowser('chromium'))('Chromium: the connection test', () => {
  let server: TestServer | null = null;
  let proxy: BufferingProxy | null = null;
  let beacon: ChromiumBeacon | null = null;
  afterEach(async () => {
    await beacon?.close();
    await proxy?.close();
    await server?.dispose();
    beacon = proxy = server = null;
  });

  async function runTest(options: Partial<BeaconServerOptions>, { buffered = false, activity = true } = {}) {
    server = await TestServer.start(options);
    proxy = buffered ? await startBufferingProxy(server.url) : null;
    beacon = await ChromiumBeacon.launch();
    onTestFailed(async ({ task }) => beacon?.saveFailureArtifacts(`chromium-connection-test-${task.name}`));
    await server.publish({ notice_type: 3, title: 'Welcome' });
    const options_ = await beacon.openPage('options.html');
    await options_.fill('#serverUrl', proxy?.url ?? server.url);
    await options_.fill('#token', USER.token);
    const startedAt = Date.now();
    await options_.click('[data-test=test]');
    await options_.waitForSelector('[data-test=test-heartbeat][data-verdict=pending]');
    if (activity) {
      // A notice and a mark read elsewhere while the test watches.
      await server.publish({ notice_type: 2, title: 'Bob commented' });
      const read = await fetch(`${server.url}/notification/comments/read`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${USER.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(read.status).toBe(204);
    }
    await options_.waitForSelector('[data-test=test-replay]', { timeout: 40_000 });
    const seconds = (Date.now() - startedAt) / 1000;
    const lines = await readResults(options_);
    console.log(`connection test (${seconds.toFixed(1)} s):\n${lines.join('\n')}`);
    return { lines, seconds, page: options_ };
  }

  const readResults = (page: Page) =>
    page.$$eval('[data-test=test-results] li', (items) => items.map((item) => item.textContent!.trim()));
  const line = (lines: string[], step: string) => lines.find((text) => text.startsWith(step)) ?? '';

  it('against the reference server: every capability found', async () => {
    const { lines, seconds } = await runTest({});
    expect(lines.map((text) => text.split(' — ')[0])).toEqual([
      'Server: OK',
      'Sign-in: OK',
      'Unread counts: OK',
      'Item ids: OK',
      'HTTP version: Note', // http/1.1: Chromium gives nextHopProtocol to the options page
      'Live stream: OK',
      'Heartbeat: OK',
      'Event ids: OK',
      'Counts in events: OK',
      'Read events: OK',
      'Replay after a drop: OK',
    ]);
    // The reference server pings every stream at once every 15 s: the first comes within 15 s, before the 20 s wait ends.
    const heartbeat = /a heartbeat came (\d+(?:\.\d)?) s after the stream opened/.exec(line(lines, 'Heartbeat'));
    expect(Number(heartbeat?.[1])).toBeLessThanOrEqual(16);
    expect(line(lines, 'HTTP version')).toMatch(/^HTTP version: Note — http\/1\.1, /);
    expect(seconds).toBeLessThan(25);
  });

  it('against its legacy mode: counts refetched, at what cost', async () => {
    const { lines } = await runTest({ legacyEvents: true });
    expect(line(lines, 'Counts in events')).toMatch(
      /^Counts in events: Note — events without unread_count: 2\. .* at most 3\.6 a second per category/,
    );
    expect(line(lines, 'Read events')).toMatch(/^Read events: Not known/);
    expect(line(lines, 'Replay after a drop')).toMatch(/^Replay after a drop: OK/);
  });

  it('behind a buffering proxy: headers, then no byte; names the proxy and the nginx fix; ends within 25 s', async () => {
    const { lines, seconds } = await runTest({}, { buffered: true, activity: false });
    expect(line(lines, 'Live stream')).toMatch(/^Live stream: OK/);
    expect(line(lines, 'Heartbeat')).toMatch(
      /^Heartbeat: Failed — the stream's headers came, but not one byte followed in 20(\.\d)? s: a proxy in front of the server holds \(buffers\) the stream/,
    );
    expect(line(lines, 'Heartbeat')).toContain('nginx: proxy_buffering off;');
    expect(line(lines, 'Replay after a drop')).toMatch(/^Replay after a drop: Not known/);
    expect(seconds).toBeLessThan(27); // 25 s, plus the page's own rendering under load
  });
});
