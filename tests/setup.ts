/** fakeBrowser has no i18n: give it the real catalogues, with Chrome's placeholder rules. English unless a test asks. */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach } from 'vitest';
import en from '../public/_locales/en/messages.json';
import zhCN from '../public/_locales/zh_CN/messages.json';

type Entry = { message: string; placeholders?: Record<string, { content: string }> };
const CATALOGUES = { en, zh_CN: zhCN } as Record<string, Record<string, Entry>>;
let locale: keyof typeof CATALOGUES = 'en';

/** Makes `browser.i18n` answer from this locale's catalogue until the test ends. */
export function useLocale(name: 'en' | 'zh_CN'): void {
  locale = name;
}
afterEach(() => useLocale('en'));

export function getMessage(key: string, substitutions?: string | string[]): string {
  const entry = CATALOGUES[locale]![key];
  if (!entry) return '';
  const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
  return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name: string) => {
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$(\d)/g, (_m, index: string) => subs[Number(index) - 1] ?? '');
  });
}

Object.assign(fakeBrowser, { i18n: { getMessage, getUILanguage: () => locale.replace('_', '-') } });
