/**
 * Build step for pages with a first-frame script (popup.html and popup-prepaint.js): the page's module entry leaves
 * the page, and the first-frame script, marked `data-first-frame`, gets its URL in `data-entry` and imports it once
 * it has painted. A module script in the page would run as soon as parsing ends and hold the main thread (Vue, Pinia,
 * messaging) while the storage answer the first frame waits for sits in the queue behind it. A modulepreload instead
 * was tried: its fetch and compile still competed with the first frame on two cores. bench/results.md has the effect.
 */
import type { Plugin } from 'vite';

const ENTRY = /<script type="module" crossorigin src="([^"]+)"><\/script>/;
const FIRST_FRAME = /<script data-first-frame(?:="")? src="([^"]+)"><\/script>/;

/** The page's HTML with its entry deferred to the first-frame script; unchanged when either is missing. */
export function deferEntryToFirstFrame(html: string): string {
  const entry = ENTRY.exec(html)?.[1];
  if (!entry || !FIRST_FRAME.test(html)) return html;
  return html
    .replace(ENTRY, '')
    .replace(
      FIRST_FRAME,
      (_tag, src: string) => `<script data-first-frame data-entry="${entry}" src="${src}"></script>`,
    );
}

export function deferPageEntry(): Plugin {
  return {
    name: 'beacon:defer-page-entry',
    apply: 'build',
    transformIndexHtml: { order: 'post', handler: deferEntryToFirstFrame },
  };
}
