/**
 * A server whose item ids are JSON numbers (issue #24 items 1 and 5), written once for both browsers: the inbox lists
 * its items, one is marked read, the badge drops, and the server receives the number it sent.
 */
import { expect, it } from 'vitest';
import { startNumericIdsProxy } from '../helpers/numeric-ids-proxy';
import { USER } from '../drivers/test-server';
import type { BrowserBeacon, E2eFixture } from './scenarios';

export function defineNumericIdsScenario(f: E2eFixture<BrowserBeacon>): void {
  it('a server with numeric item ids: expand a category, mark one read, the badge drops and the server gets {"ids":[<number>]}', async () => {
    const proxy = await startNumericIdsProxy(() => f.server.url);
    try {
      await f.beacon.configure({ serverUrl: proxy.url, authMethod: 'token', token: USER.token });
      await f.waitLive();
      const published = [];
      for (const title of ['First comment', 'Second comment', 'Third comment'])
        published.push(await f.server.publish({ notice_type: 2, title }));
      // The reference server's "n-17" is 17 through the proxy.
      const [first, second] = published.map(({ id }) => Number(id.replace(/^n-/, '')));
      await f.badgeIs('3');
      await f.popupShows('li[data-category=comments] [data-test=count]', /^3$/);
      await f.beacon.popupClick('li[data-category=comments] [data-test=toggle]');
      await f.popupShows('[data-test=inbox]', /Third comment[^]*Second comment[^]*First comment/);

      await f.beacon.popupClick(`[data-item="${first}"] [data-test=item-mark-read]`);
      await f.badgeIs('2');
      await f.popupShows('li[data-category=comments] [data-test=count]', /^2$/);
      expect(proxy.markReads).toEqual([{ path: '/notification/comments/read', body: { ids: [first] } }]);
      const items = (await f.server.live.store.list(USER.username, 'comments', 1, 10)).data;
      expect(items.filter((item) => item.read).map((item) => item.id)).toEqual([`n-${first}`]);
      expect(await f.beacon.popupText(`[data-item="${first}"] [data-test=unread-marker]`)).toBeNull();
      expect(await f.beacon.popupText(`[data-item="${second}"] [data-test=unread-marker]`)).not.toBeNull();
    } finally {
      await proxy.close();
    }
  });
}
