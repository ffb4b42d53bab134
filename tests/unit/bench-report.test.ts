import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPopupAccounts } from '../../bench/popup-accounts';
import { saveSection } from '../../bench/report';

describe('bench report sections', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-bench-report-'));
    file = join(dir, 'results.md');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a full run replaces the browser table and keeps the sections only other runs write', () => {
    saveSection(file, 'browser-bench', '# old table');
    saveSection(file, 'redis-bench', 'redis figures');
    saveSection(file, 'capacity-curve', 'capacity figures (npm run bench -- --only capacity)');

    saveSection(file, 'browser-bench', '# new table');
    saveSection(file, 'redis-bench', 'new redis figures');

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('old table');
    expect(text).toContain('capacity figures (npm run bench -- --only capacity)');
    expect(text.indexOf('# new table')).toBeLessThan(text.indexOf('new redis figures'));
    expect(text.indexOf('new redis figures')).toBeLessThan(text.indexOf('capacity figures'));
    expect(text.match(/<!-- redis-bench -->/g)).toHaveLength(1);
  });

  it('a new browser table goes before the sections already there', () => {
    writeFileSync(file, '<!-- redis-bench -->\nredis figures\n<!-- /redis-bench -->\n');
    saveSection(file, 'browser-bench', '# table');
    expect(readFileSync(file, 'utf8')).toBe(
      '<!-- browser-bench -->\n# table\n<!-- /browser-bench -->\n\n<!-- redis-bench -->\nredis figures\n<!-- /redis-bench -->\n',
    );
  });
});

describe('bench: popup with several accounts', () => {
  it('gives each browser and account count its warm figures and the ratio against the 1.15× goal', () => {
    const row = { browser: 'chromium' as const, samples: 15 };
    const table = formatPopupAccounts(
      [
        { ...row, accounts: 1, popupMs: 100, floorMs: 100, ratio: 1 },
        { ...row, accounts: 3, popupMs: 120, floorMs: 100, ratio: 1.2 },
        { ...row, accounts: 3, popupMs: null, floorMs: 100, ratio: null },
      ],
      'machine',
    );
    expect(table.split('\n').slice(-3)).toEqual([
      '| chromium | 1 | 100 ms | 100 ms | 1× | ≤ 1.15× | yes |',
      '| chromium | 3 | 120 ms | 100 ms | 1.2× | ≤ 1.15× | no |',
      '| chromium | 3 | — | 100 ms | — | ≤ 1.15× | — |',
    ]);
    expect(table).toContain('medians of 15 warm opens');
  });
});
