/**
 * The options page's connection test in real Firefox against the reference server: the same findings as in Chromium
 * (chromium-connection-test.e2e.test.ts, which also runs the legacy mode and the buffering proxy), and what Firefox
 * tells of the HTTP version (Resource Timing's nextHopProtocol in an extension page).
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { hasBrowser } from '../drivers/browsers';
import { FirefoxBeacon } from '../drivers/firefox';
import { TestServer, USER } from '../drivers/test-server';

describe.skipIf(!hasBrowser('firefox'))('Firefox: the connection test', () => {
  let server: TestServer | null = null;
  let beacon: FirefoxBeacon | null = null;
  afterEach(async () => {
    await beacon?.close();
    await server?.dispose();
    beacon = server = null;
  });

  it('against the reference server: every capability found', async () => {
    server = await TestServer.start();
    beacon = await FirefoxBeacon.launch();
    onTestFailed(async ({ task }) => beacon?.saveFailureArtifacts(`firefox-connection-test-${task.name}`));
    await server.publish({ notice_type: 3, title: 'Welcome' });
    const page = await beacon.openPage('options.html');
    await page.waitForSelector('#serverUrl');
    await page.type('#serverUrl', server.url);
    await page.type('#token', USER.token);
    await page.click('[data-test=test]');
    await page.waitForSelector('[data-test=test-heartbeat][data-verdict=pending]');
    await server.publish({ notice_type: 2, title: 'Bob commented' });
    const read = await fetch(`${server.url}/notification/comments/read`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${USER.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(read.status).toBe(204);
    await page.waitForSelector('[data-test=test-replay]', { timeout: 40_000 });
    const lines = await page.$$eval('[data-test=test-results] li', (items) =>
      items.map((item) => item.textContent!.trim()),
    );
    console.log(`connection test in Firefox:\n${lines.join('\n')}`);
    expect(lines.map((text) => text.split(' — ')[0])).toEqual([
      'Server: OK',
      'Sign-in: OK',
      'Unread counts: OK',
      'Item ids: OK',
      // Firefox ESR 153 leaves nextHopProtocol empty for an extension page's requests to the server.
      'HTTP version: Not known',
      'Live stream: OK',
      'Heartbeat: OK',
      'Event ids: OK',
      'Counts in events: OK',
      'Read events: OK',
      'Replay after a drop: OK',
    ]);
  });
});
