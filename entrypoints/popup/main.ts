/** Popup: paints the persisted snapshot on the first frame, then follows the background. */
import { createPinia } from 'pinia';
import { browser } from 'wxt/browser';
import { createApp } from 'vue';
import { createPopupClient } from '@/utils/messaging/extension-popup-client';
import { loadInboxCache } from '@/utils/snapshot/inbox-cache-storage';
import { loadSnapshot } from '@/utils/snapshot/snapshot-storage';
import { useInboxStore } from '@/utils/stores/inbox-store';
import { useSnoozeStore } from '@/utils/stores/snooze-store';
import { loadSnooze } from '@/utils/settings/snooze-storage';
import { loadSnoozePresets } from '@/utils/settings/settings-storage';
import { usePopupStore } from '@/utils/stores/popup-store';
import '@/components/theme.css';
import App from './App.vue';

async function main() {
  document.documentElement.lang = browser.i18n.getUILanguage();
  const pinia = createPinia();
  const app = createApp(App).use(pinia);
  // Storage answers in a few ms even when the service worker is asleep; the background answers after.
  const [initial, inboxCache, snooze, snoozePresets] = await Promise.all([
    loadSnapshot().catch(() => null),
    loadInboxCache().catch(() => null),
    loadSnooze().catch(() => null),
    loadSnoozePresets().catch(() => undefined),
  ]);
  const client = createPopupClient();
  const store = usePopupStore(pinia);
  const ready = store.connect(client, initial);
  // The last lists shown, so an expanded category paints at once; they are refreshed on expand.
  useInboxStore(pinia).attach(client, inboxCache);
  useSnoozeStore(pinia).attach(client, snooze, snoozePresets);
  const container = document.getElementById('app')!;
  app.mount(container);
  // popup-prepaint.js may have painted the counts already; then this frame only takes over.
  if (performance.getEntriesByName('beacon:painted').length === 0) performance.mark('beacon:painted');
  performance.mark('beacon:mounted');
  // Earlier builds kept this page's markup for the next first frame; the first frame is built from the counts now.
  void browser.storage.local.remove('popupShell').catch(() => undefined);
  await ready;
}

void main();
