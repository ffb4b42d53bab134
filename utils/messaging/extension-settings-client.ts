/** SettingsClient over browser storage, permissions and messaging: used by the options page. */
import { browser } from 'wxt/browser';
import { runConnectionTest } from '../connection/connection-test';
import { getAccountsInOptions } from '../settings/accounts-policy';
import { getOriginsToRelease } from '../settings/host-permission';
import { getPopupShortcut } from '../settings/shortcut';
import { loadAccountsForOptions, saveAccounts, settingsItem, watchSettings } from '../settings/settings-storage';
import { onMessage, sendMessage } from './messaging';
import type { AccountsInOptions, SettingsClient } from './settings-client';

/**
 * The protocol the page's last finished request under `urlPrefix` used (Resource Timing's `nextHopProtocol`: `h2`,
 * `http/1.1`), or null when the browser leaves it empty. The test runs in this page, so its requests are this page's.
 */
function getHttpVersion(urlPrefix: string): string | null {
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const used = entries.filter((entry) => entry.name.startsWith(urlPrefix) && entry.nextHopProtocol);
  return used.at(-1)?.nextHopProtocol ?? null;
}

async function loadAccounts(): Promise<AccountsInOptions> {
  const { stored, preferences, policy } = await loadAccountsForOptions();
  return { accounts: getAccountsInOptions(stored, policy), preferences, policy };
}

export function createSettingsClient(): SettingsClient {
  return {
    load: loadAccounts,
    save: async (accounts, preferences) => ({ preferencesSynced: await saveAccounts(accounts, preferences) }),
    requestPermissions: (origins) => browser.permissions.request({ origins }),
    async releaseUnusedPermissions(serverUrlsInUse) {
      const { origins = [] } = await browser.permissions.getAll();
      const unused = getOriginsToRelease(origins, serverUrlsInUse);
      if (unused.length > 0) await browser.permissions.remove({ origins: unused });
    },
    watch: (callback) => watchSettings(() => void loadAccounts().then(callback)),
    testConnection: (settings, onStep) =>
      runConnectionTest(settings, { fetch: (input, init) => fetch(input, init), getHttpVersion }, onStep),
    // Every account's server and sign-in: the preferences belong to the user, in every browser.
    forget: () => settingsItem.setValue([]),
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
