/** SettingsClient over browser storage, permissions and messaging: used by the options page. */
import { browser } from 'wxt/browser';
import { runConnectionTest } from '../connection/connection-test';
import { getOriginPattern } from '../settings/host-permission';
import { DEFAULT_SETTINGS, pickConnection } from '../settings/settings';
import { getPopupShortcut } from '../settings/shortcut';
import { loadSettingsInForce, saveSettings, settingsItem, watchSettings } from '../settings/settings-storage';
import { onMessage, sendMessage } from './messaging';
import type { SettingsClient } from './settings-client';

/**
 * The protocol the page's last finished request under `urlPrefix` used (Resource Timing's `nextHopProtocol`: `h2`,
 * `http/1.1`), or null when the browser leaves it empty. The test runs in this page, so its requests are this page's.
 */
function getHttpVersion(urlPrefix: string): string | null {
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const used = entries.filter((entry) => entry.name.startsWith(urlPrefix) && entry.nextHopProtocol);
  return used.at(-1)?.nextHopProtocol ?? null;
}

export function createSettingsClient(): SettingsClient {
  return {
    load: () => loadSettingsInForce(),
    save: async (settings) => ({ preferencesSynced: await saveSettings(settings) }),
    requestPermission: (url) => browser.permissions.request({ origins: [getOriginPattern(url)] }),
    watch: (callback) => watchSettings(() => void loadSettingsInForce().then(callback)),
    testConnection: (settings, onStep) =>
      runConnectionTest(settings, { fetch: (input, init) => fetch(input, init), getHttpVersion }, onStep),
    // The server and sign-in only: the preferences belong to the user, in every browser.
    forget: () => settingsItem.setValue(pickConnection(DEFAULT_SETTINGS)),
    getSnapshot: () => sendMessage('getSnapshot'),
    onSnapshotChanged: (callback) => onMessage('snapshotChanged', ({ data }) => callback(data)),
    getShortcut: async () => getPopupShortcut(await browser.commands.getAll()),
    async openShortcutSettings() {
      // Firefox has its own call (Firefox 137+); Chrome lets an extension open its shortcuts page in a tab.
      const commands = browser.commands as { openShortcutSettings?: () => Promise<void> };
      if (commands.openShortcutSettings) await commands.openShortcutSettings();
      else await browser.tabs.create({ url: 'chrome://extensions/shortcuts' });
    },
    canSilenceNotifications: import.meta.env.BROWSER !== 'firefox',
  };
}
