/**
 * The options page's draft of the accounts list, pure: what Save would store (or the first problem), whether a save
 * reconnects, whether the draft holds unsaved changes.
 */
import { getNewAccount, type StoredAccount } from './accounts-model';
import { getAccountsInOptions, getAccountWithPolicy, type AccountsPolicy } from './accounts-policy';
import { DEFAULT_SETTINGS, isSameSession, type Preferences, type Settings } from './settings';
import { findAccountProblem, getAccountForm, getCleanAccount, type AccountProblem } from './settings-validation';

/** The list Save stores (cleaned, policy fields winning), or the first account with a problem. */
export function getSavableAccounts(
  drafts: readonly StoredAccount[],
  preferences: Preferences,
  policy: AccountsPolicy,
): { accounts: StoredAccount[] } | { problem: AccountProblem } {
  const cleaned = drafts.map(getCleanAccount);
  const accounts = getAccountsInOptions(cleaned, policy);
  // The labels as typed (the list's are cut to the bound: a silent cut would lose what the user typed), then every
  // other field with the policy applied.
  const typed = accounts.map((entry) => ({ ...entry, label: cleaned.find(({ id }) => id === entry.id)?.label ?? '' }));
  const problem = findAccountProblem(typed, preferences);
  return problem ? { problem } : { accounts };
}

/** One account's settings for its connection test (cleaned, its policy fields winning), or its problem. */
export function getTestableAccount(
  draft: StoredAccount,
  preferences: Preferences,
  policy: AccountsPolicy,
): { settings: Settings & StoredAccount } | { problem: AccountProblem } {
  const account = getAccountWithPolicy(getCleanAccount(draft), policy);
  const problem = findAccountProblem([account], preferences);
  return problem ? { problem } : { settings: getAccountForm(account, preferences) };
}

/**
 * True when storing `after` opens, closes or changes a connection; a new order, labels, app URLs or preferences
 * alone keep every connection open.
 */
export function isSessionChange(before: readonly StoredAccount[], after: readonly StoredAccount[]): boolean {
  if (before.length !== after.length) return true;
  return after.some((entry) => {
    const was = before.find(({ id }) => id === entry.id);
    return !was || !isSameSession({ ...DEFAULT_SETTINGS, ...was }, { ...DEFAULT_SETTINGS, ...entry });
  });
}

/**
 * True when the draft differs from what is stored. With nothing stored, the page started from one blank account:
 * anything typed into it is a change.
 */
export function isDraftChanged(
  draft: { accounts: readonly StoredAccount[]; preferences: Preferences },
  stored: { accounts: readonly StoredAccount[]; preferences: Preferences },
): boolean {
  const first = draft.accounts[0];
  const baseline = stored.accounts.length > 0 || !first ? stored.accounts : [getNewAccount(first.id)];
  return JSON.stringify([draft.accounts, draft.preferences]) !== JSON.stringify([baseline, stored.preferences]);
}
