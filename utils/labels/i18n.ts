/** Messages from `_locales` (en, zh_CN) through the browser's i18n API. */
import { browser } from 'wxt/browser';
import type { MessageKey } from './message-key';

export function t(key: MessageKey, substitutions?: string | string[]): string {
  // getMessage answers '' for an unknown key; the key itself is a more useful thing to show.
  return browser.i18n.getMessage(key, substitutions) || key;
}
