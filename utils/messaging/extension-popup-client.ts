/** BeaconClient over @webext-core/messaging and browser tabs: used by the popup and options pages. */
import { browser } from 'wxt/browser';
import type { BeaconClient } from './popup-client';
import { onMessage, sendMessage } from './messaging';
import { getCategoryUrl } from '../notifications/os-notifier';
import { getAppUrl } from '../settings/server-url';
import { loadSettings } from '../settings/settings';

export function createBeaconClient(): BeaconClient {
  const openUrl = async (url: string) => {
    await browser.tabs.create({ url });
    window.close();
  };
  return {
    getSnapshot: () => sendMessage('getSnapshot'),
    markRead: (target) => sendMessage('markRead', target),
    reconnect: () => sendMessage('reconnect'),
    onSnapshotChanged: (callback) => onMessage('snapshotChanged', ({ data }) => callback(data)),
    async openApp(category) {
      const settings = await loadSettings();
      const url = getCategoryUrl(getAppUrl(settings.serverUrl, settings.appUrl), category);
      if (url) await openUrl(url);
    },
    openUrl,
    async openSettings() {
      await browser.runtime.openOptionsPage();
      window.close();
    },
  };
}
