/**
 * The options page's draft of the accounts list, pure: what Save would store (or the first problem), whether a save
 * reconnects, whether the draft holds unsaved changes, which origins hold more streams than HTTP/1.1 allows.
 */
import { getNewAccount, type StoredAccount } from './accounts-model';
import { getAccountsInOptions, getAccountWithPolicy, type AccountsPolicy } from './accounts-policy';
import { DEFAULT_SETTINGS, isSameSession, type Preferences, type Settings } from './settings';
import { getServerUrlProblem } from './server-url';
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

/**
 * Browsers open at most 6 HTTP/1.1 connections per origin; each account's stream holds one for as long as it is open
 * (docs/architecture.md "Same origin").
 */
export const HTTP1_CONNECTIONS_PER_ORIGIN = 6;

/**
 * The origins (scheme, host, port) that this many accounts or more use, with their count, in the accounts' order: over
 * HTTP/1.1 their streams take every connection the browser allows, and each REST call of that origin waits.
 */
export function getCrowdedOrigins(accounts: readonly Pick<StoredAccount, 'serverUrl'>[]): CrowdedOrigin[] {
  const counts = new Map<string, number>();
  for (const { serverUrl } of accounts) {
    const origin = getUsableOrigin(serverUrl);
    if (origin !== null) counts.set(origin, (counts.get(origin) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, count]) => count >= HTTP1_CONNECTIONS_PER_ORIGIN)
    .map(([origin, count]) => ({ origin, count }));
}

/** A server URL's origin (`https://host:port`, default port dropped), or null when the URL is not usable. */
export function getUsableOrigin(serverUrl: string): string | null {
  return getServerUrlProblem(serverUrl) === null ? new URL(serverUrl.trim()).origin : null;
}

export interface CrowdedOrigin {
  origin: string;
  count: number;
}
