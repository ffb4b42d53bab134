import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkChromePackage,
  getDocumentedPermissions,
  getManifestPermissions,
  readPngSize,
} from '@/scripts/store/chrome-package-check';

/** The first 24 bytes of a PNG: enough for the store check, which reads the size from IHDR. */
function pngHeader(width: number, height: number): Buffer {
  const data = Buffer.alloc(24);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
  data.writeUInt32BE(13, 8);
  data.write('IHDR', 12, 'ascii');
  data.writeUInt32BE(width, 16);
  data.writeUInt32BE(height, 20);
  return data;
}

const PERMISSIONS = ['storage', 'https://*/*'];
let dir: string;
const write = (path: string, content: string | Buffer) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
};
const writeManifest = (changes: Record<string, unknown>) =>
  write(
    'manifest.json',
    JSON.stringify({
      manifest_version: 3,
      name: '__MSG_extName__',
      description: '__MSG_extDescription__',
      version: '1.2.3',
      default_locale: 'en',
      icons: { 16: 'icon/16.png', 48: 'icon/48.png', 128: 'icon/128.png' },
      permissions: ['storage'],
      optional_host_permissions: ['https://*/*'],
      ...changes,
    }),
  );

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'beacon-package-'));
  for (const locale of ['en', 'zh_CN'])
    write(
      `_locales/${locale}/messages.json`,
      JSON.stringify({ extName: { message: 'Beacon' }, extDescription: { message: 'Unread counts, live.' } }),
    );
  for (const size of [16, 48, 128]) write(`icon/${size}.png`, pngHeader(size, size));
  write('popup.html', '<script type="module" src="/chunks/popup.js"></script>');
  write('chunks/popup.js', 'const evaluate = (x) => x; evaluate(1); obj.eval = 1;');
  writeManifest({});
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkChromePackage', () => {
  it('passes a package the store accepts', () => {
    expect(checkChromePackage(dir, PERMISSIONS)).toEqual([]);
  });

  it('finds remote and generated code in scripts and pages', () => {
    write('background.js', 'const f = new Function("return 1"); eval("2"); importScripts("x.js");');
    write('chunks/lazy.js', 'import("https://cdn.example.com/x.js")');
    write('options.html', '<script src="https://cdn.example.com/vue.js"></script><script>alert(1)</script>');
    expect(checkChromePackage(dir, PERMISSIONS)).toEqual([
      'background.js uses eval(',
      'background.js uses new Function(',
      'background.js uses importScripts(',
      'chunks/lazy.js uses import() of a URL',
      'options.html loads a script from https://cdn.example.com/vue.js',
      'options.html has an inline <script>',
    ]);
  });

  it('finds a missing icon, an icon of the wrong size and one that is not a PNG', () => {
    write('icon/48.png', pngHeader(32, 32));
    write('icon/16.png', 'GIF89a');
    writeManifest({ icons: { 16: 'icon/16.png', 48: 'icon/48.png', 128: 'icon/gone.png' } });
    expect(checkChromePackage(dir, PERMISSIONS)).toEqual([
      'icon 16: icon/16.png is not a PNG',
      'icon 48: icon/48.png is 32x32 px',
      'icon 128: icon/gone.png is not in the package',
    ]);
    writeManifest({ icons: { 128: 'icon/128.png' } });
    expect(checkChromePackage(dir, PERMISSIONS)).toEqual(['no 16 px icon in "icons"', 'no 48 px icon in "icons"']);
  });

  it('finds manifest fields the store refuses, in every locale', () => {
    write(
      '_locales/zh_CN/messages.json',
      JSON.stringify({ extName: { message: '' }, extDescription: { message: 'x'.repeat(133) } }),
    );
    writeManifest({
      manifest_version: 2,
      version: '1.2.3-beta',
      content_security_policy: { extension_pages: "script-src 'self' 'unsafe-eval'" },
    });
    expect(checkChromePackage(dir, PERMISSIONS)).toEqual([
      'manifest_version is not 3',
      'version "1.2.3-beta" is not 1 to 4 dot-separated integers',
      '"name" is empty in zh_CN',
      '"description" in zh_CN is over 132 characters',
      'content_security_policy allows eval or a remote source',
    ]);
  });

  it('refuses a permission the listing does not justify, and a justified one the manifest dropped', () => {
    writeManifest({ permissions: ['storage', 'tabs'], optional_host_permissions: [] });
    expect(checkChromePackage(dir, PERMISSIONS)).toEqual([
      'permissions not in docs/store-listing.md: tabs',
      'documented permissions the manifest does not ask for: https://*/*',
    ]);
  });
});

describe('the documented permissions', () => {
  it('are every code span of the first column of the Permissions table, and only there', () => {
    const markdown = [
      '## Single purpose',
      '| `ignored` | x |',
      '## Permissions',
      '| permission | why |',
      '|---|---|',
      '| `storage` | keeps `settings` |',
      '| `http://localhost/*` `https://localhost/*` | loopback |',
      '## Data use',
      '| `cookies` | not a permission row |',
    ].join('\n');
    expect(getDocumentedPermissions(markdown)).toEqual(['storage', 'http://localhost/*', 'https://localhost/*']);
  });

  it('are compared with required and optional, API and host permissions of either manifest version', () => {
    expect(
      getManifestPermissions({
        permissions: ['storage', 'http://localhost/*'],
        optional_permissions: ['https://*/*'],
        host_permissions: ['https://localhost/*'],
        optional_host_permissions: ['https://*/*'],
      }),
    ).toEqual(['storage', 'http://localhost/*', 'https://localhost/*', 'https://*/*']);
  });

  it('reads a PNG size from its header and nothing from another file', () => {
    expect(readPngSize(pngHeader(440, 280))).toEqual({ width: 440, height: 280 });
    expect(readPngSize(Buffer.from('GIF89a...................'))).toBeUndefined();
  });
});
