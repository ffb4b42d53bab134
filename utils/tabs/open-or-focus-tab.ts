/** Opening a web-app page the way a user expects: in the app's tab that is already open, else in a new one. */
import { browser } from 'wxt/browser';
import type { OpenableUrl } from '../settings/app-url';

/**
 * Focuses a tab already showing the app (same origin) and shows `url` there, or opens a new tab. Only a URL that
 * passed `getOpenUrl` is accepted (the type says so): no page, notification or store opens a server's URL unchecked.
 */
export async function openOrFocusTab(url: OpenableUrl): Promise<void> {
  const origin = new URL(url).origin;
  // Tab URLs are visible only for origins Beacon has host permission for; otherwise this finds nothing.
  const tabs = await browser.tabs.query({ url: `${origin}/*` }).catch(() => []);
  const tab = tabs[0];
  if (tab?.id !== undefined) {
    await browser.tabs.update(tab.id, { active: true, url });
    if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
    return;
  }
  await browser.tabs.create({ url });
}
