/** The pages the benchmark adds to its copy of a built extension (the shipped build stays as it is). */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The page the popup paint is compared with: no framework, one classic script that reads the same snapshot and paints
 * what the popup's first frame paints (one account: its categories; several: one line per account, name and total).
 */
export const FLOOR_PAGE = 'bench-floor.html';
/** An empty extension page kept open to reach extension APIs from, so no popup runs beside what is measured. */
export const CONTROL_PAGE = 'bench-control.html';

const FLOOR_HTML = `<!doctype html><html lang="en"><head><meta charset="UTF-8"><title>floor</title><script src="/bench-floor.js"></script></head><body><ul id="counts"></ul></body></html>`;
// The read starts at once; the answer can come before the parser has reached the list, so it also waits for that.
// Firefox MV2's `chrome` namespace takes callbacks; its `browser` namespace returns promises.
const FLOOR_JS = `const parsed = document.readyState === 'loading' ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve)) : null;
const api = globalThis.browser ?? chrome;
Promise.all([api.storage.local.get('snapshot'), parsed]).then(([{ snapshot }]) => {
  const list = document.getElementById('counts');
  const line = (text) => list.appendChild(document.createElement('li')).textContent = text;
  if (snapshot.accounts.length > 1) {
    for (const account of snapshot.accounts) {
      const total = Object.values(account.counts).reduce((sum, count) => sum + count, 0);
      line((account.label || new URL(account.serverUrl).host) + ': ' + total);
    }
  } else {
    for (const [category, count] of Object.entries(snapshot.accounts[0].counts)) {
      const item = document.createElement('li');
      item.dataset.category = category;
      item.textContent = category + ': ' + count;
      list.append(item);
    }
  }
  performance.mark('beacon:painted');
});`;

/** A copy of a built extension with the bench pages added; the caller removes it. */
export function copyExtensionWithBenchPages(sourceDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-ext-'));
  cpSync(sourceDir, dir, { recursive: true });
  writeFileSync(join(dir, FLOOR_PAGE), FLOOR_HTML);
  writeFileSync(join(dir, 'bench-floor.js'), FLOOR_JS);
  writeFileSync(join(dir, CONTROL_PAGE), '<!doctype html><meta charset="utf-8"><title>control</title>');
  return dir;
}
