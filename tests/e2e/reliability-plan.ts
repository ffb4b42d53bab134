/**
 * The short, fixed-seed reliability run, shared by its two files (one per browser, so that the two longest e2e runs
 * can go to the two workers at once): every fault once, with the invariants of tests/reliability/soak.ts.
 * `npm run soak` is the long, random one. `BEACON_FAULTS=rest-hang,odd-event-ids` runs only those (to measure one
 * fault, e.g. against an older build with `BEACON_CHROME_EXTENSION_DIR`); `BEACON_BROWSERS=firefox` runs one browser.
 */
import { FAULTS } from '../reliability/faults';
import { createRandom } from '../reliability/soak';
import { hasBrowser } from '../drivers/browsers';

export const RELIABILITY_SEED = 20261124;

/** Every fault once, in an order the seed picks (Fisher-Yates). */
function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const only = process.env.BEACON_FAULTS?.split(',');
export const RELIABILITY_ORDER = shuffled(
  FAULTS.filter((fault) => !fault.soakOnly && (!only || only.includes(fault.name))),
  createRandom(RELIABILITY_SEED),
);

const browsers = process.env.BEACON_BROWSERS?.split(',') ?? ['chromium', 'firefox'];
export const runsReliabilityIn = (browser: 'chromium' | 'firefox') => browsers.includes(browser) && hasBrowser(browser);
export const logReliability = (line: string) => console.log(`[reliability] ${line}`);
