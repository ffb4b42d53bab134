/** PopupClient over @webext-core/messaging and browser tabs: the popup's edge. */
import { browser } from 'wxt/browser';
import { loadSnoozePresets, watchSettings } from '../settings/settings-storage';
import { saveInboxCache } from '../snapshot/inbox-cache-storage';
import { normalizeSnooze } from '../settings/snooze';
import { saveSnooze, snoozeItem } from '../settings/snooze-storage';
import { onMessage, sendMessage } from './messaging';
import type { PopupClient } from './popup-client';

export function createPopupClient(): PopupClient {
  return {
    getSnapshot: () => sendMessage('getSnapshot'),
    markRead: (account, target) => sendMessage('markRead', { account, target }),
    reconnect: (account) => sendMessage('reconnect', { account }),
    getItems: (account, category, page) => sendMessage('getItems', { account, category, page }),
    markItemsRead: (account, category, ids) => sendMessage('markItemsRead', { account, category, ids }),
    saveInboxCache,
    setSnooze: saveSnooze,
    onSnoozeChanged: (callback) => snoozeItem.watch((value) => callback(normalizeSnooze(value))),
    onSnoozePresetsChanged: (callback) => watchSettings(() => void loadSnoozePresets().then(callback)),
    onSnapshotChanged: (callback) => onMessage('snapshotChanged', ({ data }) => callback(data)),
    async open(account, target) {
      // The background decides the URL (that account's settings in force, the one rule): the popup never opens a
      // server's URL itself.
      await sendMessage('openPage', { account, ...target });
      window.close();
    },
    async openSettings() {
      await browser.runtime.openOptionsPage();
      window.close();
    },
  };
}
