// @vitest-environment node
/** `npm run zip`: store packages for both browsers, and a Firefox sources zip with nothing built or generated. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listZipEntries } from '../helpers/zip-entries';

describe('store zips', () => {
  it('packs both browsers, and the sources zip holds sources only', { timeout: 120_000 }, () => {
    execFileSync('npm', ['run', 'zip'], { stdio: 'ignore' });
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
        'entrypoints/background.ts',
        'utils/background/background-core.ts',
      ]),
    );
    const generated = sources.filter(
      (name) => /^(\.output|\.wxt|node_modules|test-results|coverage)\//.test(name) || name.endsWith('.log'),
    );
    expect(generated).toEqual([]);
  });
});
