import { describe, expect, it } from 'vitest';
import type { Entrypoint, EntrypointGroup } from 'wxt';
import { deferEntryToFirstFrame } from '../../scripts/build/deferred-entry';
import { inlineStylesheets } from '../../scripts/build/inline-page-css';
import { splitPageGroups } from '../../scripts/build/page-groups';

const PAGE = `<head>
<script type="module" crossorigin src="/chunks/popup-1.js"></script>
<link rel="stylesheet" crossorigin href="/assets/popup-1.css">
<link rel="stylesheet" href="https://example.test/other.css">
</head>`;

describe('inlineStylesheets', () => {
  it('puts the page CSS it was given into <style> and keeps every other tag', () => {
    const { html, inlined } = inlineStylesheets(PAGE, new Map([['assets/popup-1.css', '.popup{width:360px}']]));
    expect(inlined).toEqual(['assets/popup-1.css']);
    expect(html).toContain('<style>.popup{width:360px}</style>');
    expect(html).not.toContain('popup-1.css');
    expect(html).toContain('<script type="module" crossorigin src="/chunks/popup-1.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="https://example.test/other.css">');
  });

  it('leaves a stylesheet linked when its text would close the <style> element', () => {
    const { html, inlined } = inlineStylesheets(
      PAGE,
      new Map([['assets/popup-1.css', 'a{content:"</style><script>"}']]),
    );
    expect(inlined).toEqual([]);
    expect(html).toBe(PAGE);
  });
});

describe('splitPageGroups', () => {
  const page = (name: string) => ({ name, type: name }) as unknown as Entrypoint;

  it('gives each page of a shared build its own build and keeps single builds as they are', () => {
    const background = page('background');
    const [popup, options] = [page('popup'), page('options')];
    const groups: EntrypointGroup[] = [background, [popup, options]];
    splitPageGroups(groups);
    expect(groups).toEqual([background, [popup], [options]]);
  });
});

describe('deferEntryToFirstFrame', () => {
  it('hands the module entry to the first-frame script', () => {
    const html =
      '<head><script type="module" crossorigin src="/chunks/popup-1.js"></script></head>' +
      '<body><div id="app"></div><script data-first-frame="" src="/popup-prepaint.js"></script></body>';
    const result = deferEntryToFirstFrame(html);
    expect(result).not.toContain('type="module"');
    expect(result).toContain(
      '<script data-first-frame data-entry="/chunks/popup-1.js" src="/popup-prepaint.js"></script>',
    );
  });

  it('leaves a page without a first-frame script as it is', () => {
    const html = '<script type="module" crossorigin src="/chunks/options-1.js"></script>';
    expect(deferEntryToFirstFrame(html)).toBe(html);
  });
});
