/** The popup's scenarios: open → counts painted (warm, and first opens in fresh profiles), expand → list painted. */
import { USER } from '../tests/drivers/test-server';
import { FLOOR_PAGE } from './bench-pages';
import { startHarness, type BenchBrowser, type BenchPage, type Harness } from './harness';
import { median, now } from './stats';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PopupPaintResult {
  beacon: number[];
  floor: number[];
}

/** Opens `path`, waits for its `beacon:painted` mark and closes it; null (and a warning) when it never paints. */
export async function measureOpen(h: Harness, path: string): Promise<number | null> {
  try {
    const page = await h.openPage(path);
    try {
      return await pollPage<number>(page, PAINTED_AT, 'painted');
    } finally {
      await page.close();
    }
  } catch (error) {
    // One open that never paints must not cost the whole run; it is reported, and left out of the median.
    console.warn(`[bench] ${h.browser}: ${path} did not paint: ${String(error).split('\n')[0]}`);
    return null;
  }
}

/**
 * Popup open → counts painted, warm, from the page's own `beacon:painted` mark (ms since navigation start),
 * alternating with the floor page: the same snapshot painted by a framework-free script, which shows what the browser
 * alone costs. One open of each comes first and is not counted: first opens are measured by `measureFirstOpens`.
 */
export async function measurePopupPaint(h: Harness, opens: number): Promise<PopupPaintResult> {
  const result: PopupPaintResult = { beacon: [], floor: [] };
  await measureOpen(h, 'popup.html');
  await measureOpen(h, FLOOR_PAGE);
  for (let i = 0; i < opens; i++) {
    const beacon = await measureOpen(h, 'popup.html');
    const floor = await measureOpen(h, FLOOR_PAGE);
    if (beacon !== null) result.beacon.push(beacon);
    if (floor !== null) result.floor.push(floor);
  }
  return result;
}

/**
 * First opens of the popup and of the floor page, `samples` of each, each as the first extension page of its own
 * fresh profile (no HTTP or V8 code cache, and no page of the extension opened before it). In one profile, whichever
 * page opened first would also pay what the browser sets up for the extension's first page (the page opened first
 * was the slower one in three of four checks, either way round). The medians of each.
 */
export async function measureFirstOpens(
  browser: BenchBrowser,
  samples: number,
): Promise<{ beacon: number | null; floor: number | null; all: { beacon: number[]; floor: number[] } }> {
  const firstOpen = async (path: string) => {
    const h = await startHarness(browser);
    try {
      return await measureOpen(h, path);
    } finally {
      await h.close();
    }
  };
  const all = { beacon: [] as number[], floor: [] as number[] };
  for (let i = 0; i < samples; i++) {
    // Alternating which goes first, so neither always meets the machine in the same state.
    const order = i % 2 === 0 ? (['beacon', 'floor'] as const) : (['floor', 'beacon'] as const);
    for (const which of order) {
      const paintedMs = await firstOpen(which === 'beacon' ? 'popup.html' : FLOOR_PAGE);
      if (paintedMs !== null) all[which].push(paintedMs);
    }
  }
  const mid = (values: number[]) => (values.length ? median(values) : null);
  return { beacon: mid(all.beacon), floor: mid(all.floor), all };
}

/** The page's `beacon:painted` mark (ms since navigation start), or null while it has not painted. */
const PAINTED_AT = `performance.getEntriesByName('beacon:painted')[0]?.startTime ?? null`;

/** Evaluates `expression` in the page every 20 ms until it is not null (10 s at most). */
async function pollPage<T>(page: BenchPage, expression: string, what: string): Promise<T> {
  const deadline = now() + 10_000;
  for (;;) {
    const value = await page.evaluate<T | null>(expression);
    if (value !== null) return value;
    if (now() > deadline) throw new Error(`not ${what} within 10 s`);
    await sleep(20);
  }
}

const TOGGLE = 'li[data-category=comments] [data-test=toggle]';

/** Runs in the popup: clicks the comments row and resolves with the ms until its items are painted. */
const EXPAND_AND_WAIT = `new Promise((resolve, reject) => {
  const started = performance.now();
  const timeout = setTimeout(() => reject(new Error('no items within 10 s')), 10000);
  const check = () => {
    if (document.querySelector('[data-test=item]')) {
      clearTimeout(timeout);
      requestAnimationFrame(() => resolve(performance.now() - started));
    } else requestAnimationFrame(check);
  };
  document.querySelector('${TOGGLE}').click();
  check();
})`;

/**
 * Popup expand → list painted: a click on a category row until its items are on screen (the next frame after they
 * are in the DOM), each in a fresh popup with the inbox cache removed, so every expand makes the full trip: popup →
 * background → server → popup.
 */
export async function measureInboxExpand(h: Harness, opens: number): Promise<number[]> {
  for (let i = 0; i < 12; i++) {
    await h.server.live.store.publish(USER.username, { notice_type: 2, title: `comment ${i}` });
  }
  const times: number[] = [];
  for (let i = 0; i < opens; i++) {
    await h.clearInboxCache();
    try {
      const page = await h.openPage('popup.html');
      try {
        await pollPage(page, `document.querySelector('${TOGGLE}') ? true : null`, 'rendered');
        // A string, not a function: tsx's helpers for named closures do not exist in the page.
        times.push(await page.evaluate<number>(EXPAND_AND_WAIT));
      } finally {
        await page.close();
      }
    } catch (error) {
      console.warn(`[bench] ${h.browser}: expand did not paint: ${String(error).split('\n')[0]}`);
    }
  }
  return times;
}
