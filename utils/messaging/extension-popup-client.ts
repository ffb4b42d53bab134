/** PopupClient over @webext-core/messaging and browser tabs: the popup's edge. */
import { browser } from 'wxt/browser';
import { getAppPageUrl } from '../settings/app-url';
import { loadEffectiveSettings, loadSnoozePresets, watchSettings } from '../settings/settings-storage';
import { saveInboxCache } from '../snapshot/inbox-cache-storage';
import { normalizeSnooze } from '../settings/snooze';
import { saveSnooze, snoozeItem } from '../settings/snooze-storage';
import { openOrFocusTab } from '../tabs/open-or-focus-tab';
import { onMessage, sendMessage } from './messaging';
import type { PopupClient } from './popup-client';

export function createPopupClient(): PopupClient {
  const openUrl = async (url: string) => {
    await openOrFocusTab(url);
    window.close();
  };
  return {
    getSnapshot: () => sendMessage('getSnapshot'),
    markRead: (target) => sendMessage('markRead', target),
    reconnect: () => sendMessage('reconnect'),
    getItems: (category, page) => sendMessage('getItems', { category, page }),
    markItemsRead: (category, ids) => sendMessage('markItemsRead', { category, ids }),
    saveInboxCache,
    setSnooze: saveSnooze,
    onSnoozeChanged: (callback) => snoozeItem.watch((value) => callback(normalizeSnooze(value))),
    onSnoozePresetsChanged: (callback) => watchSettings(() => void loadSnoozePresets().then(callback)),
    onSnapshotChanged: (callback) => onMessage('snapshotChanged', ({ data }) => callback(data)),
    async openApp(category) {
      // The effective settings, as for notification clicks: an administrator's app URL wins.
      const url = getAppPageUrl(await loadEffectiveSettings(), category);
      if (url) await openUrl(url);
    },
    openUrl,
    async openSettings() {
      await browser.runtime.openOptionsPage();
      window.close();
    },
  };
}
