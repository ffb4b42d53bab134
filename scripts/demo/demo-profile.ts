/**
 * The demo's Chromium profile: Beacon pinned to the toolbar, so its badge is on screen. A fresh profile puts an
 * extension in the extensions (puzzle) menu, where the badge, the product itself, is nowhere to be seen.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The id Chromium gives an unpacked extension without a manifest `key`: the first 128 bits of the SHA-256 of its
 * absolute path, each hex digit written as a letter from a to p (Chromium's `crx_file::id_util::GenerateIdForPath`).
 */
export function getUnpackedExtensionId(extensionDir: string): string {
  const hex = createHash('sha256').update(resolve(extensionDir)).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

/**
 * Writes the profile's first preferences, before Chromium starts: the toolbar's pinned extensions. A policy
 * (`ExtensionSettings` › `toolbar_pin`) would do it too, but only machine-wide, for every profile. Returns the id.
 */
export async function prepareDemoProfile(profileDir: string, extensionDir: string): Promise<string> {
  const id = getUnpackedExtensionId(extensionDir);
  await mkdir(join(profileDir, 'Default'), { recursive: true });
  const preferences = { extensions: { pinned_extensions: [id] } };
  await writeFile(join(profileDir, 'Default', 'Preferences'), JSON.stringify(preferences));
  return id;
}
