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
    markRead: (target) => sendMessage('markRead', target),
    reconnect: () => sendMessage('reconnect'),
    getItems: (category, page) => sendMessage('getItems', { category, page }),
    markItemsRead: (category, ids) => sendMessage('markItemsRead', { category, ids }),
    saveInboxCache,
    setSnooze: saveSnooze,
    onSnoozeChanged: (callback) => snoozeItem.watch((value) => callback(normalizeSnooze(value))),
    onSnoozePresetsChanged: (callback) => watchSettings(() => void loadSnoozePresets().then(callback)),
    onSnapshotChanged: (callback) => onMessage('snapshotChanged', ({ data }) => callback(data)),
    async open(target) {
      // The background decides the URL (settings in force, the one rule): the popup never opens a server's URL itself.
      await sendMessage('openPage', target);
      window.close();
    },
    async openSettings() {
      await browser.runtime.openOptionsPage();
      window.close();
    },
  };
}
