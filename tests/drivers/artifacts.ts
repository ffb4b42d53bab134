/** Failure artefacts: a screenshot of every open page and the console log, under test-results/<test name>/. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface Screenshottable {
  screenshot(options: { path: `${string}.png` }): Promise<unknown>;
}

export async function writeFailureArtifacts(
  name: string,
  consoleLog: string[],
  pages: Screenshottable[],
): Promise<void> {
  const dir = resolve('test-results', name.replace(/[^a-z0-9-]+/gi, '-').slice(0, 80));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'console.log'), consoleLog.join('\n'));
  for (const [index, page] of pages.entries()) {
    await page.screenshot({ path: join(dir, `page-${index}.png`) as `${string}.png` }).catch(() => {});
  }
}
