/** Messages from `_locales` (en, zh_CN); keys are checked against the English catalogue at compile time. */
import { browser } from 'wxt/browser';
import type messages from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof messages;

export function t(key: MessageKey, substitutions?: string | string[]): string {
  // getMessage answers '' for an unknown key; the key itself is a more useful thing to show.
  return browser.i18n.getMessage(key, substitutions) || key;
}
