import { describe, expect, it } from 'vitest';
import { checkChangelogEntry, checkNextVersion, parseVersion } from '@/scripts/release/release-rules';

const CHANGELOG = `# Changelog

## [Unreleased]

### Added
- Something not released yet.

## [0.2.0] - 2026-12-05

### Fixed
- A fix.

## [0.1.1] - 2026-12-01

## [0.1.0] - 2026-11-27

### Added
- The first version.
`;

describe('parseVersion', () => {
  it('takes MAJOR.MINOR.PATCH as browsers accept it in a manifest', () => {
    expect(parseVersion('1.2.3')).toEqual([1, 2, 3]);
    expect(parseVersion('0.10.0')).toEqual([0, 10, 0]);
  });

  it.each(['', '1.2', '1.2.3.4', 'v1.2.3', '1.2.3-beta.1', '01.2.3', '1.2.65536', ' 1.2.3', '1..3', '1.2.x'])(
    'refuses %j',
    (text) => {
      expect(parseVersion(text)).toBeUndefined();
    },
  );
});

describe('checkNextVersion', () => {
  it('accepts a version greater than the current one, compared as numbers', () => {
    expect(checkNextVersion('0.1.0', '0.1.1')).toBeUndefined();
    expect(checkNextVersion('0.9.0', '0.10.0')).toBeUndefined();
    expect(checkNextVersion('0.1.9', '1.0.0')).toBeUndefined();
  });

  it('says why it refuses a malformed version, the same version or an older one', () => {
    expect(checkNextVersion('0.1.0', '0.2')).toMatch(/"0\.2" is not a version.*MAJOR\.MINOR\.PATCH/);
    expect(checkNextVersion('0.1.0', '0.1.0')).toMatch(/0\.1\.0 is not greater than the current version 0\.1\.0/);
    expect(checkNextVersion('0.10.0', '0.9.9')).toMatch(/not greater/);
  });
});

describe('checkChangelogEntry', () => {
  it('finds a dated entry with notes', () => {
    expect(checkChangelogEntry(CHANGELOG, '0.2.0')).toBeUndefined();
    expect(checkChangelogEntry(CHANGELOG, '0.1.0')).toBeUndefined();
  });

  it('refuses a missing entry, an empty one, or one without a date', () => {
    expect(checkChangelogEntry(CHANGELOG, '0.3.0')).toMatch(/no "## \[0\.3\.0\] - YYYY-MM-DD" entry/);
    expect(checkChangelogEntry(CHANGELOG, '0.1.1')).toMatch(/entry for 0\.1\.1 is empty/);
    expect(checkChangelogEntry('## [1.0.0]\n- x\n', '1.0.0')).toMatch(/no "## \[1\.0\.0\] - YYYY-MM-DD" entry/);
  });

  it('does not take a version that only appears inside another one', () => {
    expect(checkChangelogEntry('## [10.2.0] - 2026-01-01\n- x\n', '0.2.0')).toMatch(/no "## \[0\.2\.0\]/);
  });
});
