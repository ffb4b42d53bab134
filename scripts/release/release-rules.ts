/**
 * The pure rules of `npm run release`: which versions a release may take and what the changelog must say. No I/O.
 */

/** Chrome takes 1 to 4 dot-separated integers of 0–65535, no letters; Beacon uses three (no pre-release tags). */
const VERSION = /^(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})$/;
const MAX_PART = 65_535;

/** `MAJOR.MINOR.PATCH` as numbers, or undefined for anything a manifest or a store would refuse. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = VERSION.exec(text);
  if (!match) return undefined;
  const parts = match.slice(1).map(Number) as [number, number, number];
  return parts.every((part) => part <= MAX_PART) ? parts : undefined;
}

/** Why `next` cannot follow `current`, or undefined when it can. Both stores refuse an update that is not newer. */
export function checkNextVersion(current: string, next: string): string | undefined {
  const parsed = parseVersion(next);
  if (!parsed) return `"${next}" is not a version: use MAJOR.MINOR.PATCH, each a number from 0 to ${MAX_PART}.`;
  const now = parseVersion(current);
  if (!now) return `package.json's version "${current}" is not MAJOR.MINOR.PATCH: fix it by hand first.`;
  const order = parsed.map((part, i) => part - now[i]!).find((difference) => difference !== 0) ?? 0;
  return order > 0 ? undefined : `${next} is not greater than the current version ${current}.`;
}

/** Why CHANGELOG.md (keep-a-changelog: `## [1.2.3] - 2026-12-05`) has no usable entry for `version`, or undefined. */
export function checkChangelogEntry(changelog: string, version: string): string | undefined {
  const lines = changelog.split(/\r?\n/);
  const heading = `## [${version}] - `;
  const start = lines.findIndex(
    (line) => line.startsWith(heading) && /^\d{4}-\d{2}-\d{2}$/.test(line.slice(heading.length).trim()),
  );
  if (start < 0) {
    return `CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" entry: move the Unreleased notes under one.`;
  }
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  const body = lines.slice(start + 1, end < 0 ? undefined : end);
  return body.some((line) => /^\s*[-*] \S/.test(line)) ? undefined : `CHANGELOG.md's entry for ${version} is empty.`;
}
