/** Options page: settings form, connection test and diagnostics. */
import { createPinia } from 'pinia';
import { browser } from 'wxt/browser';
import { createApp } from 'vue';
import { createSettingsClient } from '@/utils/messaging/extension-settings-client';
import { t } from '@/utils/labels/i18n';
import { useSettingsStore } from '@/utils/stores/settings-store';
import '@/components/theme.css';
import './options.css';
import App from './App.vue';

async function main() {
  document.documentElement.lang = browser.i18n.getUILanguage();
  document.title = t('optionsTitle');
  const pinia = createPinia();
  await useSettingsStore(pinia).connect(createSettingsClient());
  createApp(App).use(pinia).mount('#app');
}

void main();
