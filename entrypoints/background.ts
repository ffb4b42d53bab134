/**
 * Background: wires browser APIs to BackgroundCore, and browser events to the rules in utils/. No rules, timers or
 * clock here. Chrome runs this as an MV3 service worker, Firefox as an MV2 background page; the code is the same.
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { BackgroundCore } from '@/utils/background/background-core';
import { needsSetupOnInstall } from '@/utils/background/browser-event-rules';
import { createBadgeRenderer, type ActionApi } from '@/utils/badge/badge-renderer';
import { t } from '@/utils/labels/i18n';
import { realClock } from '@/utils/lib/clock';
import { describeError } from '@/utils/lib/errors';
import { throttleLatest } from '@/utils/lib/throttle';
import { isNoReceiverError, onMessage, sendMessage } from '@/utils/messaging/messaging';
import { createNotificationActions } from '@/utils/notifications/notification-actions';
import { OsNotifier } from '@/utils/notifications/os-notifier';
import { createSnoozeKeeper, SNOOZE_ALARM } from '@/utils/notifications/snooze-schedule';
import { normalizeSnooze } from '@/utils/settings/snooze';
import { loadSnooze, saveSnooze, snoozeItem } from '@/utils/settings/snooze-storage';
import { getOpenUrl, parseOpenTarget, type OpenTarget } from '@/utils/settings/app-url';
import { getOriginPattern } from '@/utils/settings/host-permission';
import {
  loadManagedSettings,
  loadAccountsInForce,
  retryUnsyncedPreferences,
  watchSettings,
} from '@/utils/settings/settings-storage';
import { loadLastPolicy, saveLastPolicy } from '@/utils/settings/last-policy-storage';
import { createPolicySource } from '@/utils/settings/policy-source';
import { dropOldestCachedList, pruneInboxCache } from '@/utils/snapshot/inbox-cache-storage';
import { loadSnapshot, saveSnapshot } from '@/utils/snapshot/snapshot-storage';
import type { Snapshot } from '@/utils/snapshot/snapshot';
import { openOrFocusTab } from '@/utils/tabs/open-or-focus-tab';

/** Chrome may stop an MV3 worker at any time; the alarm wakes it to reconnect (minimum period 30 s). */
const WATCHDOG_ALARM = 'beacon-watchdog';
/** Popup pushes: at most one per this many ms, with the latest snapshot (a flood of events is one redraw a frame). */
const POPUP_PUSH_MS = 50;

export default defineBackground({
  // Firefox MV2: a persistent page; Chrome MV3 ignores this (service worker).
  persistent: true,
  main() {
    const formatTime = (epochMs: number) => new Date(epochMs).toLocaleTimeString();
    const action = (browser.action ?? browser.browserAction) as unknown as ActionApi;
    const log = {
      info: (message: string) => console.info(`[beacon] ${message}`),
      warn: (message: string) => console.warn(`[beacon] ${message}`),
      error: (message: string) => console.error(`[beacon] ${message}`),
    };
    // Chrome: silent notifications and action buttons; Firefox notifications are `basic` only (shared/BROWSERS.md).
    const isChrome = import.meta.env.BROWSER !== 'firefox';
    const notifier = new OsNotifier(browser.notifications, t, { silent: isChrome, buttons: isChrome });
    const logFailure = (what: string) => (error: unknown) => log.warn(`${what}: ${describeError(error)}`);
    // Policy without waiting seconds for Chromium's first storage.managed read (utils/settings/policy-source.ts).
    const policy = createPolicySource({
      read: loadManagedSettings,
      loadLast: loadLastPolicy,
      saveLast: saveLastPolicy,
      onChanged: () => reload(),
      clock: realClock,
    });
    const loadAccounts = () => loadAccountsInForce(policy.get).then(({ accounts }) => accounts);
    // Every page Beacon opens, from the popup or a notification: the one URL rule, with that account's settings in
    // force; an account Beacon does not hold (removed meanwhile) is refused with a clear error.
    const openPage = async (account: unknown, target: OpenTarget) => {
      const settings = (await loadAccounts()).find(({ id }) => id === account);
      if (!settings) throw new Error('Beacon has no such account (was it removed?)');
      const url = getOpenUrl(settings, target);
      if (url) await openOrFocusTab(url);
    };
    const badge = createBadgeRenderer(action, t, formatTime);
    const publish = throttleLatest((snapshot: Snapshot) => {
      sendMessage('snapshotChanged', snapshot).catch((error: unknown) => {
        if (!isNoReceiverError(error)) logFailure('popup update')(error);
      });
    }, POPUP_PUSH_MS);

    const core = new BackgroundCore({
      fetch: (input, init) => fetch(input, init),
      loadAccounts,
      loadSnapshot,
      saveSnapshot,
      // The inbox cache is only a cache: when storage is full, its lists make room for the snapshot.
      makeStorageRoom: dropOldestCachedList,
      render: (snapshot, snooze) => badge.render(snapshot, snooze),
      publish,
      notifications: {
        add: (notice, account, named) => notifier.add(notice, account, named),
        showSignIn: (account, named) =>
          void notifier.showSignIn(account, named).catch(logFailure('sign-in notification')),
        clearAll: () => void notifier.clearAll().catch(logFailure('clearing notifications')),
        clearAccount: (account) => void notifier.clearAccount(account).catch(logFailure('clearing notifications')),
      },
      pruneInboxCache,
      hasHostPermission: (serverUrl) => browser.permissions.contains({ origins: [getOriginPattern(serverUrl)] }),
      // Any extension API call resets Chrome's 30 s idle timer; an open fetch stream does not.
      keepAlive: () => void browser.runtime.getPlatformInfo(),
      log,
      isOnline: () => navigator.onLine,
      clock: realClock,
    });
    // Snooze: no OS notifications until it ends (an alarm ends it on time, even for a stopped worker).
    const snooze = createSnoozeKeeper({
      alarms: browser.alarms,
      load: loadSnooze,
      save: saveSnooze,
      clock: realClock,
      onChange: (value) => core.setSnooze(value),
    });
    const refreshSnooze = (reported?: unknown) =>
      void snooze.refresh(reported === undefined ? undefined : normalizeSnooze(reported)).catch(logFailure('snooze'));

    // An error nothing caught is a bug: logged and counted in diagnostics, where bug reports and the reliability
    // tests look.
    globalThis.addEventListener?.('unhandledrejection', (event) =>
      core.recordUnhandledError(`rejection: ${describeError(event.reason)}`),
    );
    globalThis.addEventListener?.('error', (event) => core.recordUnhandledError(`error: ${event.message}`));

    onMessage('getSnapshot', () => core.getSnapshot());
    onMessage('markRead', ({ data }) => core.markRead(data.account, data.target));
    onMessage('reconnect', ({ data }) => core.reconnect(data?.account));
    onMessage('openPage', async ({ data }) => {
      const target = parseOpenTarget(data);
      if (target) await openPage(data.account, target);
    });
    onMessage('getItems', ({ data }) => core.getItems(data.account, data.category, data.page));
    onMessage('markItemsRead', ({ data }) => core.markItemsRead(data.account, data.category, data.ids));

    // Settings saved anywhere (preferences also in the user's other browsers), a policy change, or a newly granted
    // permission: apply what is in force now (the core reconnects only when server or sign-in changed).
    function reload() {
      void loadAccounts().then((accounts) => core.applyAccounts(accounts));
    }
    watchSettings(reload);
    // Preferences storage.sync refused earlier (quota, sync off) are sent again.
    void retryUnsyncedPreferences().catch(logFailure('syncing preferences'));
    browser.storage.onChanged.addListener((_changes, area) => {
      if (area === 'managed') void policy.refresh().then(reload);
    });
    browser.permissions.onAdded.addListener(reload);
    globalThis.addEventListener?.('online', () => core.wake());
    browser.cookies.onChanged.addListener(({ removed, cookie }) =>
      core.onCookieChanged({ removed, cookieDomain: cookie.domain }),
    );

    void browser.alarms.get(WATCHDOG_ALARM).then((alarm) => {
      if (!alarm) void browser.alarms.create(WATCHDOG_ALARM, { periodInMinutes: 0.5 });
    });
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === WATCHDOG_ALARM) core.wake();
      if (alarm.name === SNOOZE_ALARM) refreshSnooze();
    });
    snoozeItem.watch((value) => refreshSnooze(value));

    const notificationActions = createNotificationActions({
      notifier,
      openPage,
      openOptionsPage: () => browser.runtime.openOptionsPage(),
      markItemsRead: (account, category, ids) => core.markItemsRead(account, category, ids),
      isSignedOut: (account) => core.getConnectionStatus(account) === 'signed-out',
      showSignIn: async (account) =>
        notifier.showSignIn(core.getAccountSettings(account), core.getSnapshot().accounts.length > 1),
      log,
    });
    const onNotificationClicked = (id: string) =>
      void notificationActions.onClicked(id).catch(logFailure('notification click'));
    const onNotificationButtonClicked = (id: string, index: number) =>
      void notificationActions.onButtonClicked(id, index).catch(logFailure('notification button'));
    browser.notifications.onClicked.addListener(onNotificationClicked);
    // Firefox has no buttons (the event may be missing there).
    browser.notifications.onButtonClicked?.addListener(onNotificationButtonClicked);
    // The end-to-end tests call what the listeners call: automation cannot click an OS notification.
    Object.assign(globalThis, { beaconNotificationHandlers: { onNotificationClicked, onNotificationButtonClicked } });

    // The browser's own policy answer: a stand-in could mislead "is Beacon set up by policy?".
    browser.runtime.onInstalled.addListener(({ reason }) => {
      void loadAccountsInForce(policy.getFromBrowser).then(({ accounts }) => {
        if (needsSetupOnInstall(reason, accounts)) void browser.runtime.openOptionsPage();
      });
    });

    // The snooze first: a notice announced at start must already see it.
    void snooze
      .refresh()
      .catch(logFailure('snooze'))
      .then(() => core.start());
  },
});
