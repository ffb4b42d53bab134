/**
 * Build step for the extension pages: each page's stylesheets go into the page itself as `<style>`, so opening the
 * popup fetches one script and no stylesheet (every extension-file fetch is a round trip to the browser process,
 * measured at about 3 ms per popup open in bench/). Extension CSPs restrict scripts, not styles, so this is allowed
 * in Chrome MV3 and Firefox MV2 alike.
 */
import type { Plugin } from 'vite';

const STYLESHEET_LINK = /<link\b[^>]*\brel="stylesheet"[^>]*>/g;

/**
 * Replaces each `<link rel="stylesheet">` whose href names a file in `styles` with a `<style>` holding that file.
 * A stylesheet that could close the `<style>` element early is left linked.
 */
export function inlineStylesheets(
  html: string,
  styles: ReadonlyMap<string, string>,
): { html: string; inlined: string[] } {
  const inlined: string[] = [];
  const result = html.replace(STYLESHEET_LINK, (link) => {
    const href = /\bhref="\/?([^"]+)"/.exec(link)?.[1];
    const css = href === undefined ? undefined : styles.get(href);
    if (href === undefined || css === undefined || /<\/style/i.test(css)) return link;
    inlined.push(href);
    return `<style>${css}</style>`;
  });
  return { html: result, inlined };
}

/** Vite plugin: inlines each HTML page's own CSS and drops the CSS files no other page or chunk still needs. */
export function inlinePageCss(): Plugin {
  return {
    name: 'beacon:inline-page-css',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle, chunk }) {
        if (!bundle || !chunk) return html;
        const styles = new Map<string, string>();
        for (const fileName of chunk.viteMetadata?.importedCss ?? []) {
          const asset = bundle[fileName];
          if (asset?.type === 'asset') styles.set(fileName, String(asset.source));
        }
        const result = inlineStylesheets(html, styles);
        for (const fileName of result.inlined) {
          const stillUsed = Object.values(bundle).some(
            (other) => other !== chunk && other.type === 'chunk' && other.viteMetadata?.importedCss.has(fileName),
          );
          if (!stillUsed) delete bundle[fileName];
        }
        return result.html;
      },
    },
  };
}
