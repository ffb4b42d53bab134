/**
 * The Chrome Web Store's checks that can run offline, on an unpacked build (`.output/chrome-mv3`): the manifest fields
 * the store needs and their lengths, icons present at their declared pixel size, no remote or generated code, and a
 * permission list equal to the one docs/store-listing.md justifies. Used by tests/integration/zip.test.ts and
 * `npm run release`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

type Manifest = Record<string, unknown>;
type Messages = Record<string, { message?: string } | undefined>;

/** The store's limits on the name and the summary (Chrome Web Store, "Manifest": name 75, description 132). */
const MAX_NAME = 75;
const MAX_DESCRIPTION = 132;
/** The store listing needs a 128 px icon; 16 and 48 are what Chrome shows in its own pages. */
const REQUIRED_ICONS = ['16', '48', '128'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Code built or fetched at run time: MV3 forbids it, and a reviewer rejects it ("remotely hosted code"). */
const REMOTE_CODE: [RegExp, string][] = [
  [/(?<![\w$.])eval\s*\(/, 'eval('],
  [/\bnew\s+Function\s*\(/, 'new Function('],
  [/\bimportScripts\s*\(/, 'importScripts('],
  [/\bimport\s*\(\s*[`'"](?:https?:)?\/\//, 'import() of a URL'],
];
const HTML_SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/** Every permission a manifest asks for, required or optional, host patterns included (MV2 lists them together). */
export function getManifestPermissions(manifest: Manifest): string[] {
  const lists = ['permissions', 'host_permissions', 'optional_permissions', 'optional_host_permissions'];
  return [...new Set(lists.flatMap((key) => (Array.isArray(manifest[key]) ? (manifest[key] as string[]) : [])))];
}

/** The permissions docs/store-listing.md justifies: every `code` span in the first column of its Permissions table. */
export function getDocumentedPermissions(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Permissions'));
  if (!section) return [];
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
}

/** A PNG's width and height from its IHDR chunk, or undefined if the file is not a PNG. */
export function readPngSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE) || data.toString('ascii', 12, 16) !== 'IHDR')
    return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A manifest string in every locale the package has (`__MSG_x__` resolved), or the string itself. */
function getLocalizedTexts(dir: string, value: unknown): { locale: string; text: string }[] {
  if (typeof value !== 'string') return [];
  const key = /^__MSG_(\w+)__$/.exec(value)?.[1];
  if (!key) return [{ locale: 'manifest', text: value }];
  const localesDir = join(dir, '_locales');
  const locales = existsSync(localesDir) ? readdirSync(localesDir) : [];
  return locales.map((locale) => {
    const messages = readJson(join(localesDir, locale, 'messages.json')) as Messages | undefined;
    return { locale, text: messages?.[key]?.message ?? '' };
  });
}

function checkText(dir: string, manifest: Manifest, field: string, max: number): string[] {
  const texts = getLocalizedTexts(dir, manifest[field]);
  if (texts.length === 0) return [`manifest "${field}" is missing`];
  return texts.flatMap(({ locale, text }) => {
    if (text.trim() === '') return [`"${field}" is empty in ${locale}`];
    return [...text].length > max ? [`"${field}" in ${locale} is over ${max} characters`] : [];
  });
}

function checkIcons(dir: string, manifest: Manifest): string[] {
  const icons = (manifest.icons ?? {}) as Record<string, string>;
  const missing = REQUIRED_ICONS.filter((size) => !icons[size]).map((size) => `no ${size} px icon in "icons"`);
  return [
    ...missing,
    ...Object.entries(icons).flatMap(([size, path]) => {
      const file = join(dir, path);
      if (!existsSync(file)) return [`icon ${size}: ${path} is not in the package`];
      const actual = readPngSize(readFileSync(file));
      if (!actual) return [`icon ${size}: ${path} is not a PNG`];
      return actual.width === Number(size) && actual.height === Number(size)
        ? []
        : [`icon ${size}: ${path} is ${actual.width}x${actual.height} px`];
    }),
  ];
}

function checkCode(dir: string, files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files.filter((name) => name.endsWith('.js') || name.endsWith('.mjs'))) {
    const code = readFileSync(join(dir, file), 'utf8');
    for (const [pattern, what] of REMOTE_CODE) if (pattern.test(code)) problems.push(`${file} uses ${what}`);
  }
  for (const file of files.filter((name) => name.endsWith('.html'))) {
    for (const [, attributes = '', body = ''] of readFileSync(join(dir, file), 'utf8').matchAll(HTML_SCRIPT)) {
      const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1];
      if (src && /^(?:[a-z][\w+.-]*:|\/\/)/i.test(src)) problems.push(`${file} loads a script from ${src}`);
      // MV3's fixed content security policy blocks inline scripts: one would silently not run.
      if (!src && body.trim() !== '') problems.push(`${file} has an inline <script>`);
    }
  }
  return problems;
}

/**
 * Every problem the store would find in the unpacked package at `dir`, as sentences; empty when it passes.
 * `documentedPermissions`: the list docs/store-listing.md justifies (getDocumentedPermissions).
 */
export function checkChromePackage(dir: string, documentedPermissions: string[]): string[] {
  const manifest = readJson(join(dir, 'manifest.json')) as Manifest | undefined;
  if (!manifest || typeof manifest !== 'object') return ['manifest.json is missing or not JSON'];
  const problems: string[] = [];
  if (manifest.manifest_version !== 3) problems.push('manifest_version is not 3');
  if (typeof manifest.version !== 'string' || !/^\d+(\.\d+){0,3}$/.test(manifest.version))
    problems.push(`version ${JSON.stringify(manifest.version)} is not 1 to 4 dot-separated integers`);
  problems.push(
    ...checkText(dir, manifest, 'name', MAX_NAME),
    ...checkText(dir, manifest, 'description', MAX_DESCRIPTION),
  );
  problems.push(...checkIcons(dir, manifest));
  const csp = JSON.stringify(manifest.content_security_policy ?? '');
  if (/unsafe-eval|https?:/.test(csp)) problems.push('content_security_policy allows eval or a remote source');
  problems.push(...checkCode(dir, listFiles(dir)));
  const asked = getManifestPermissions(manifest);
  const undocumented = asked.filter((permission) => !documentedPermissions.includes(permission));
  const unused = documentedPermissions.filter((permission) => !asked.includes(permission));
  if (undocumented.length) problems.push(`permissions not in docs/store-listing.md: ${undocumented.join(', ')}`);
  if (unused.length) problems.push(`documented permissions the manifest does not ask for: ${unused.join(', ')}`);
  return problems;
}
