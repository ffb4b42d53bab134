/**
 * Which real browsers this machine has. Locally a missing browser skips that browser's suites loudly; with
 * CI=true it is a failure, so a green CI always means both browsers ran.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.BEACON_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.BEACON_FIREFOX ?? '/usr/bin/firefox-esr';

export type BrowserName = 'chromium' | 'firefox';

const PATHS: Record<BrowserName, string> = { chromium: CHROMIUM_PATH, firefox: FIREFOX_PATH };
const PACKAGES: Record<BrowserName, string> = { chromium: 'chromium', firefox: 'firefox-esr' };

/** True when the browser is installed; otherwise warns (or throws under CI) and returns false. */
export function hasBrowser(name: BrowserName): boolean {
  if (existsSync(PATHS[name])) return true;
  const message = `${name} not found at ${PATHS[name]}: install it with "apt-get install -y ${PACKAGES[name]}" (or set BEACON_${name.toUpperCase()})`;
  if (process.env.CI === 'true') throw new Error(`${message}. CI needs every browser.`);
  console.warn(`\n!!! SKIPPING ${name.toUpperCase()} END-TO-END TESTS: ${message}\n`);
  return false;
}
