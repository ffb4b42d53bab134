// @vitest-environment node
/** `npm run zip`: store packages for both browsers, and a Firefox sources zip with nothing built or generated. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkChromePackage,
  getDocumentedPermissions,
  getManifestPermissions,
} from '../../scripts/store/chrome-package-check';
import { listZipEntries } from '../helpers/zip-entries';

describe('store zips', () => {
  it('packs both browsers, and the sources zip holds sources only', { timeout: 120_000 }, () => {
    // A reference server's data folder, as `npm run server -- --data ./data` leaves it (git ignores it too).
    // A folder that is already there is someone's data: used as it is, never removed.
    const madeData = !existsSync('data');
    if (madeData) {
      mkdirSync('data');
      writeFileSync('data/state.json', '{}');
    }
    try {
      execFileSync('npm', ['run', 'zip'], { stdio: 'ignore' });
    } finally {
      if (madeData) rmSync('data', { recursive: true, force: true });
    }
    const zips = readdirSync('.output').filter((name) => name.endsWith('.zip'));
    const find = (suffix: string) =>
      join(
        '.output',
        zips.find((name) => name.endsWith(suffix))!,
      );

    const chrome = listZipEntries(find('-chrome.zip'));
    expect(chrome).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'background.js',
        'popup.html',
        'options.html',
        'icon/128.png',
        '_locales/zh_CN/messages.json',
      ]),
    );
    expect(listZipEntries(find('-firefox.zip'))).toEqual(
      expect.arrayContaining(['manifest.json', 'background.js', 'popup.html']),
    );

    const sources = listZipEntries(find('-sources.zip'));
    // wxt.config.ts imports the build steps: without them a reviewer cannot rebuild.
    expect(sources).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'wxt.config.ts',
        'scripts/build/inline-page-css.ts',
        'scripts/build/page-groups.ts',
        'scripts/build/no-static-markup.ts',
        'entrypoints/background.ts',
        'utils/background/background-core.ts',
      ]),
    );
    const generated = sources.filter(
      // docs/images: rendered by npm run screenshots, a megabyte a reviewer does not need to rebuild the extension.
      (name) =>
        /^(\.output|\.wxt|node_modules|test-results|coverage|data|docs\/images)\//.test(name) || name.endsWith('.log'),
    );
    expect(generated).toEqual([]);
  });

  // Reuses the build the test above made (`npm run zip` builds before it packs); tests of a file run in order.
  it("the Chrome package passes the store's offline checks, and both manifests ask for the documented permissions", () => {
    const documented = getDocumentedPermissions(readFileSync('docs/store-listing.md', 'utf8'));
    expect(documented).toContain('storage');
    expect(checkChromePackage('.output/chrome-mv3', documented)).toEqual([]);
    const firefox = JSON.parse(readFileSync('.output/firefox-mv2/manifest.json', 'utf8')) as Record<string, unknown>;
    expect(getManifestPermissions(firefox).sort()).toEqual([...documented].sort());
  });

  // Reuses the same build. Vue's compiler is told not to stringify static markup and the unreachable runtime function
  // that wrote it is replaced (scripts/build/no-static-markup.ts): no script assigns innerHTML, so web-ext lint has
  // nothing to warn about (npm test runs it with --warnings-as-errors).
  it('no script of either build assigns innerHTML', () => {
    const scripts = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.js'))
        .map((name) => join(dir, name));
    const all = [...scripts('.output/firefox-mv2'), ...scripts('.output/chrome-mv3')];
    expect(all.some((file) => file.includes('chunks'))).toBe(true);
    const writers = all.filter((file) => /\.innerHTML\s*=(?!=)/.test(readFileSync(file, 'utf8')));
    expect(writers.map((file) => relative('.output', file))).toEqual([]);
  });
});
