/**
 * The options page with several accounts (issue #25), written once for both browsers: add, label, reorder, save
 * (stored in order in `storage.local`, nothing of them in `storage.sync`), remove after a confirm (gone from storage,
 * the badge follows the account that is left).
 */
import { expect, it } from 'vitest';
import { ADMIN_USER, USER, waitFor } from '../drivers/test-server';
import type { BrowserBeacon, E2eFixture } from './scenarios';

/** What the scenario does in the options page: the calls Playwright's and Puppeteer's pages share. */
export interface OptionsPage {
  click(selector: string): Promise<unknown>;
  type(selector: string, text: string): Promise<unknown>;
  waitForSelector(selector: string): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
}

interface StoredAccount {
  id: string;
  label: string;
  serverUrl: string;
  token: string;
}

const NAMES = `[...document.querySelectorAll('[data-test=account-name]')].map((name) => name.textContent)`;

export function defineAccountsOptionsScenario<B extends BrowserBeacon>(
  f: E2eFixture<B>,
  openOptions: () => Promise<OptionsPage>,
): void {
  it('options: add, label, reorder and save two accounts; remove one after a confirm; storage and badge follow', async () => {
    const options = await openOptions();
    await options.waitForSelector('#serverUrl');
    await options.type('#serverUrl', f.server.url);
    await options.type('#token', USER.token);
    await options.click('[data-test=add-account]');
    await options.waitForSelector('[data-test=account-list]');
    await options.type('#label', 'Admin');
    await options.type('#serverUrl', f.server.url);
    await options.type('#token', ADMIN_USER.token);
    await options.click('[data-test=account-row]:nth-child(2) [data-test=move-up]');
    const host = new URL(f.server.url).host;
    expect(await options.evaluate(NAMES)).toEqual(['Admin', host]);
    await options.click('[data-test=save]');
    const saved = await waitFor(
      () => f.beacon.storage<StoredAccount[]>('settings'),
      (accounts) => Array.isArray(accounts) && accounts.length === 2,
      'two accounts stored',
    );
    expect(saved.map(({ label, serverUrl, token }) => [label, serverUrl, token])).toEqual([
      ['Admin', f.server.url, ADMIN_USER.token],
      ['', f.server.url, USER.token],
    ]);
    expect(saved[1]!.id).not.toBe(saved[0]!.id);
    const synced = JSON.stringify(await f.beacon.storage(null, 'sync'));
    for (const secret of [USER.token, ADMIN_USER.token, 'Admin', host, saved[0]!.id])
      expect(synced).not.toContain(secret);

    await options.click('[data-test=account-row]:nth-child(1) [data-test=remove-account]');
    await options.click('[data-test=confirm-remove]');
    await waitFor(
      () => f.beacon.storage<StoredAccount[]>('settings'),
      (accounts) => Array.isArray(accounts) && accounts.length === 1,
      'one account left in storage',
    );
    expect(JSON.stringify(await f.beacon.storage(null))).not.toContain(ADMIN_USER.token);
    expect(await options.evaluate(`document.querySelector('[data-test=account-list]') === null`)).toBe(true);
    await f.server.publish({ notice_type: 1 });
    await f.badgeIs('1');
  });
}
