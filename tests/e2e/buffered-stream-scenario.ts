/**
 * A buffering proxy in front of the server (issue #24 items 3 and 5), written once for both browsers: nginx with
 * `proxy_buffering on`, played by tests/helpers/buffering-proxy.ts, lets the stream's headers through and then holds
 * every byte. Beacon finds the heartbeats late, says so, and checks the counts over REST until they flow.
 */
import { expect, it } from 'vitest';
import { startBufferingProxy } from '../helpers/buffering-proxy';
import { USER, waitFor } from '../drivers/test-server';
import type { BrowserBeacon, E2eFixture } from './scenarios';

/** "About 15 s": the check interval, plus a round trip and the badge's pacing on a loaded machine. */
const WITHIN_MS = 18_000;

export function defineBufferedStreamScenario(f: E2eFixture<BrowserBeacon>): void {
  it('behind a buffering proxy (nginx proxy_buffering on): the tooltip says the stream is held back, and the badge is right within about 15 s of a publish', async () => {
    const proxy = await startBufferingProxy(f.server.url);
    try {
      await f.beacon.configure({ serverUrl: proxy.url, authMethod: 'token', token: USER.token });
      const held = await waitFor(
        () => f.beacon.badge(),
        (badge) => /no heartbeat for 20 s/.test(badge.title),
        'the tooltip to say no heartbeat came',
        40_000,
      );
      // Chromium has the stream's headers (live); Firefox's fetch waits for a first byte of the body (connecting).
      expect(held.title).toMatch(/^Beacon — (Live|Connecting…)\n/);
      const publishedAt = Date.now();
      await f.server.publish({ notice_type: 2, title: 'Held back by the proxy' });
      await f.badgeIs('1', WITHIN_MS);
      expect(Date.now() - publishedAt).toBeLessThan(WITHIN_MS);
      // The proxy still holds the event: only the REST check can have brought the count.
      expect((await f.beacon.badge()).title).toMatch(/no heartbeat for 20 s/);
    } finally {
      await proxy.close();
    }
  });
}
