/**
 * The options page's connection test in real Chromium, against the reference server, its legacy mode (events without
 * counts) and a buffering proxy in front of it (tests/helpers/buffering-proxy.ts: nginx's `proxy_buffering on`).
 * While the test watches, the harness publishes one notice and marks it read, as a user's web app would: the test
 * itself publishes nothing and marks nothing read. Chromium only: the test runs in the options page, the same code in
 * both browsers; what differs is Resource Timing's nextHopProtocol, which this file records.
 */
import { describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BeaconServerOptions } from '../../server/app';
import { hasBrowser } from '../drivers/browsers';
import { ChromiumBeacon } from '../drivers/chromium';
import { TestServer, USER } from '../drivers/test-server';
import { startBufferingProxy, type BufferingProxy } from '../helpers/buffering-proxy';

// Each test has its own browser, server and proxy, and mostly waits (the test's 20 s for a heartbeat): the three run
// at once, in about the time of one.
describe.skipIf(!hasBrowser('chromium'))('Chromium: the connection test', { concurrent: true }, () => {
  /** Runs the options page's connection test and reads its result lines; everything is closed before it returns. */
  async function runTest(
    name: string,
    options: Partial<BeaconServerOptions>,
    { buffered = false, activity = true } = {},
  ): Promise<{ lines: string[]; seconds: number }> {
    const server = await TestServer.start(options);
    let proxy: BufferingProxy | null = null;
    let beacon: ChromiumBeacon | null = null;
    try {
      proxy = buffered ? await startBufferingProxy(server.url) : null;
      beacon = await ChromiumBeacon.launch();
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
        if (read.status !== 204) throw new Error(`marking read answered ${read.status}, expected 204`);
      }
      await options_.waitForSelector('[data-test=test-replay]', { timeout: 40_000 });
      const seconds = (Date.now() - startedAt) / 1000;
      const lines = await readResults(options_);
      console.log(`connection test (${seconds.toFixed(1)} s):\n${lines.join('\n')}`);
      return { lines, seconds };
    } catch (error) {
      await beacon?.saveFailureArtifacts(`chromium-connection-test-${name}`);
      throw error;
    } finally {
      await beacon?.close();
      await proxy?.close();
      await server.dispose();
    }
  }

  const readResults = (page: Page) =>
    page.$$eval('[data-test=test-results] li', (items) => items.map((item) => item.textContent!.trim()));
  const line = (lines: string[], step: string) => lines.find((text) => text.startsWith(step)) ?? '';

  // Each test's own expect: they run concurrently.
  it('against the reference server: every capability found', async ({ expect }) => {
    const { lines, seconds } = await runTest('reference', {});
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

  it('against its legacy mode: counts refetched, at what cost', async ({ expect }) => {
    const { lines } = await runTest('legacy', { legacyEvents: true });
    expect(line(lines, 'Counts in events')).toMatch(
      /^Counts in events: Note — events without unread_count: 2\. .* at most 3\.6 a second per category/,
    );
    expect(line(lines, 'Read events')).toMatch(/^Read events: Not known/);
    expect(line(lines, 'Replay after a drop')).toMatch(/^Replay after a drop: OK/);
  });

  it('behind a buffering proxy: headers, then no byte; names the proxy and the nginx fix; ends within 25 s', async ({
    expect,
  }) => {
    const { lines, seconds } = await runTest('buffered', {}, { buffered: true, activity: false });
    expect(line(lines, 'Live stream')).toMatch(/^Live stream: OK/);
    expect(line(lines, 'Heartbeat')).toMatch(
      /^Heartbeat: Failed — the stream's headers came, but not one byte followed in 20(\.\d)? s: a proxy in front of the server holds \(buffers\) the stream/,
    );
    expect(line(lines, 'Heartbeat')).toContain('nginx: proxy_buffering off;');
    expect(line(lines, 'Replay after a drop')).toMatch(/^Replay after a drop: Not known/);
    expect(seconds).toBeLessThan(27); // 25 s, plus the page's own rendering under load
  });
});
