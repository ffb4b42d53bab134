/**
 * Browser-session sign-in against a server configured as Secure (`--public-url https://…`), written once for both
 * browsers: the web page and Beacon work with the `__Host-beacon_session` cookie as with the plain one. The browsers
 * reach the server over http://127.0.0.1, which both treat as a secure origin for cookies (docs/security.md).
 */
import { expect, it } from 'vitest';
import { TestServer, USER, waitFor, withDeadline } from '../drivers/test-server';
import type { BrowserBeacon, E2eFixture } from './scenarios';

export function defineSecureCookieScenario(f: E2eFixture<BrowserBeacon>): void {
  it('browser-session sign-in with the __Host- cookie of a Secure server: live, sign out, sign in again', async () => {
    const server = await TestServer.start({ publicUrl: 'https://beacon.example' });
    try {
      await server.publish({ notice_type: 0 });
      // Under load this scenario once ran past the test's deadline without saying where: each page step names itself.
      const page = await withDeadline(f.beacon.openWebPage(`${server.url}/`), 'opening the web page');
      const signInOnPage = async () => {
        await page.waitForSelector('[data-test=status][data-state=signed-out]');
        await withDeadline(page.type('#token', USER.token), 'typing the token on the web page');
        await withDeadline(page.click('[data-test=sign-in] button'), 'clicking sign-in on the web page');
        await page.waitForSelector('[data-test=status][data-state=signed-in]');
      };
      await signInOnPage();
      await f.beacon.configure({ serverUrl: server.url, authMethod: 'cookie', token: '' });
      await f.badgeIs('1');
      await f.waitLive();
      const streams = server.streamRequests();
      expect(streams.length).toBeGreaterThan(0);
      for (const request of streams) expect(request.headers.cookie).toMatch(/(^|; )__Host-beacon_session=/);

      await withDeadline(page.click('[data-test=sign-out]'), 'clicking sign-out on the web page');
      await waitFor(
        () => f.beacon.badge(),
        (badge) => badge.text === '!' && badge.title.startsWith('Beacon — Signed out'),
        'signed out after the web page signed out',
        5000,
      );
      // The new __Host- cookie brings Beacon back by itself (the cookies permission), with no retry timer to wait for.
      await signInOnPage();
      await server.publish({ notice_type: 1 });
      await f.badgeIs('2', 10_000);
      await f.waitLive();
    } finally {
      await withDeadline(server.dispose(), 'stopping the Secure server');
    }
  });
}
