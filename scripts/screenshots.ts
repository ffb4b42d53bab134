/**
 * `npx tsx scripts/screenshots.ts`: the README screenshots (docs/images/*.png) from the built Chrome extension in
 * headless Chromium against the reference server, with sample data. Run `npx wxt build` first.
 */
import { ChromiumBeacon } from '../tests/drivers/chromium';
import { TestServer, USER, waitFor } from '../tests/drivers/test-server';

const server = await TestServer.start();
const beacon = await ChromiumBeacon.launch();
try {
  const publish = (notice_type: number, title: string, content: string, path: string) =>
    server.publish({ notice_type, title, content, url: `${server.url}${path}` });
  await publish(0, 'Dana liked your answer', '“How do I cancel a fetch stream?”', '/a/12');
  await publish(2, 'Bob commented on “Release notes 2.4”', 'Nice work! One typo in the second paragraph.', '/c/31');
  await publish(2, 'Chen replied to your comment', 'Agreed, let us ship it on Monday.', '/c/32');
  await publish(3, 'Maintenance tonight', 'The site is read-only from 22:00 to 22:30 UTC.', '/n/7');
  await beacon.configure({ serverUrl: server.url, authMethod: 'token', token: USER.token });
  await waitFor(
    () => beacon.badgeText(),
    (text) => text === '4',
    'badge 4',
  );
  const popup = await beacon.openPage('popup.html');
  await popup.setViewportSize({ width: 360, height: 720 });
  await popup.click('li[data-category=comments] [data-test=toggle]');
  await popup.waitForSelector('[data-test=item]');
  await popup.locator('main').screenshot({ path: 'docs/images/popup.png' });
  const options = await beacon.openPage('options.html');
  await options.setViewportSize({ width: 720, height: 900 });
  await options.waitForSelector('[data-test=shortcut]');
  await options.screenshot({ path: 'docs/images/options.png', fullPage: true });
} finally {
  await beacon.close();
  await server.dispose();
}
