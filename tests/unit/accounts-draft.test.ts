/** The options page's draft, pure: what Save stores, whether it reconnects, whether the draft holds changes. */
import { describe, expect, it } from 'vitest';
import { getNewAccount, type StoredAccount } from '@/utils/settings/accounts-model';
import { getSavableAccounts, isDraftChanged, isSessionChange } from '@/utils/settings/accounts-draft';
import { NO_POLICY, parseAccountsPolicy } from '@/utils/settings/accounts-policy';
import { DEFAULT_SETTINGS, pickPreferences } from '@/utils/settings/settings';

const PREFERENCES = pickPreferences(DEFAULT_SETTINGS);
const account = (id: string, fields: Partial<StoredAccount> = {}): StoredAccount => ({
  ...getNewAccount(id),
  serverUrl: `https://${id}.example`,
  token: `${id}-token`,
  ...fields,
});

describe('the accounts draft', () => {
  it('stores the list trimmed, with the policy winning; refuses the first account with a problem', () => {
    const drafts = [account('a', { serverUrl: ' https://a.example ', label: ' A ' }), account('main')];
    const policy = parseAccountsPolicy({ role: 'admin' });
    expect(getSavableAccounts(drafts, PREFERENCES, policy)).toEqual({
      accounts: [account('a', { label: 'A' }), account('main', { role: 'admin' })],
    });
    expect(getSavableAccounts([...drafts, account('b', { token: '' })], PREFERENCES, NO_POLICY)).toEqual({
      problem: { id: 'b', errors: { token: 'errorTokenEmpty' } },
    });
  });

  it('reconnects when an account comes, goes or changes its sign-in; not for a new order, a label or an app URL', () => {
    const before = [account('a'), account('b')];
    expect(isSessionChange(before, [account('b'), account('a')])).toBe(false);
    expect(isSessionChange(before, [account('a', { label: 'A', appUrl: 'https://app.example' }), account('b')])).toBe(
      false,
    );
    expect(isSessionChange(before, [account('a')])).toBe(true);
    expect(isSessionChange(before, [account('a'), account('c')])).toBe(true);
    expect(isSessionChange(before, [account('a', { token: 'new' }), account('b')])).toBe(true);
  });

  it('sees unsaved changes, also in the blank first account of a new user', () => {
    const stored = { accounts: [account('a')], preferences: PREFERENCES };
    expect(isDraftChanged({ accounts: [account('a')], preferences: PREFERENCES }, stored)).toBe(false);
    expect(isDraftChanged({ accounts: [account('a', { label: 'x' })], preferences: PREFERENCES }, stored)).toBe(true);
    const nothing = { accounts: [], preferences: PREFERENCES };
    expect(isDraftChanged({ accounts: [getNewAccount('n')], preferences: PREFERENCES }, nothing)).toBe(false);
    const typed = { ...getNewAccount('n'), serverUrl: 'https://typing.example' };
    expect(isDraftChanged({ accounts: [typed], preferences: PREFERENCES }, nothing)).toBe(true);
  });
});
