/**
 * `npm run release -- <version>`: the one way to cut a release. Checks the version and CHANGELOG.md, refuses a dirty
 * tree, runs lint and the fast tests, sets the version in package.json (wxt.config.ts sets none: WXT writes
 * package.json's version into both manifests), builds both store zips and the Firefox sources zip, checks the Chrome
 * package as the store would (scripts/store/chrome-package-check.ts), and prints the zips' SHA-256. It commits and
 * tags nothing: it prints the commands.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkChangelogEntry, checkNextVersion } from './release/release-rules';
import { checkChromePackage, getDocumentedPermissions } from './store/chrome-package-check';

function fail(reason: string): never {
  console.error(`release: ${reason}`);
  process.exit(1);
}

function run(command: string, args: string[]): void {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  try {
    execFileSync(command, args, { stdio: 'inherit' });
  } catch {
    fail(`"${command} ${args.join(' ')}" failed (above); nothing was committed or tagged.`);
  }
}

const next = process.argv[2];
if (!next || process.argv.length > 3) fail('usage: npm run release -- <MAJOR.MINOR.PATCH>');
const current = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const versionProblem = checkNextVersion(current, next);
if (versionProblem) fail(versionProblem);
const changelogProblem = checkChangelogEntry(readFileSync('CHANGELOG.md', 'utf8'), next);
if (changelogProblem) fail(changelogProblem);

// The zips must be built from what is committed: the sources zip reviewers rebuild from would otherwise hold work
// that no commit has, and the tag would not match the packages.
const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim();
if (dirty) fail(`the git tree has uncommitted changes; commit or stash them first:\n${dirty}`);

run('npm', ['run', 'lint']);
run('npm', ['run', 'test:fast']);
// package-lock.json repeats the version; npm keeps the two in step. No git commit, no tag (printed below).
run('npm', ['version', next, '--no-git-tag-version']);
try {
  run('npm', ['run', 'zip']);
} finally {
  // Printed either way: the version change is the one file this script writes.
  console.log(`package.json now says ${next}; "git checkout package.json package-lock.json" undoes it.`);
}

const storeProblems = checkChromePackage(
  '.output/chrome-mv3',
  getDocumentedPermissions(readFileSync('docs/store-listing.md', 'utf8')),
);
if (storeProblems.length) fail(`the Chrome package would be refused:\n${storeProblems.join('\n')}`);

const zips = readdirSync('.output').filter((name) => name.endsWith('.zip') && name.includes(`-${next}-`));
if (zips.length !== 3) fail(`expected 3 zips for ${next} in .output, found: ${zips.join(', ') || 'none'}`);
console.log(`\nBeacon ${next}: SHA-256 of the packages`);
for (const name of zips.sort()) {
  const digest = createHash('sha256')
    .update(readFileSync(join('.output', name)))
    .digest('hex');
  console.log(`${digest}  .output/${name}`);
}
console.log(
  `\nNext: git commit -am "Release ${next}" && git tag v${next}; upload the chrome zip to the Chrome Web Store, the` +
    ' firefox zip and the sources zip to addons.mozilla.org.',
);
