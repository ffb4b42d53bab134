/**
 * Policy for several accounts (`storage.managed`, public/managed_schema.json, docs/configuration.md): preset accounts
 * an administrator locks, whether users may add their own, and the single-account fields of earlier versions, which
 * lock the account `main`. One rule, `getAccountsInOptions`, merges them with the stored list for the options page;
 * `getAccountsInForce` is what the background runs with.
 */
import { getAccountKey } from './account-key';
import { MAX_ACCOUNTS, MIGRATED_ACCOUNT_ID, type AccountSettings } from './accounts';
import {
  getBoundedLabel,
  getNewAccount,
  isAccountId,
  isRecord,
  parseStoredAccounts,
  type StoredAccount,
} from './accounts-model';
import { getServerUrlProblem } from './server-url';
import {
  MANAGED_FIELDS,
  parseManagedSettings,
  type ManagedField,
  type ManagedSettings,
  type Preferences,
} from './settings';

/** An account an administrator presets: every field it gives is locked; the user enters the token. */
interface ManagedAccount extends ManagedSettings {
  id: string;
  label?: string;
}

export interface AccountsPolicy {
  /** The top-level fields of a single-account policy: they lock the account `main`, as they locked the one account. */
  main: ManagedSettings;
  /** Preset accounts in the policy's order. */
  accounts: ManagedAccount[];
  /** False: no "Add account"; only the policy's accounts run (or, when it presets none, the user's first one). */
  allowAddingAccounts: boolean;
}

/** What the background runs with (contract of issue #25): accounts in order, usable server URLs only. */
export interface AccountsInForce {
  accounts: AccountSettings[];
  policy: AccountsPolicy;
}

export const NO_POLICY: AccountsPolicy = { main: {}, accounts: [], allowAddingAccounts: true };

export type LockableField = ManagedField | 'label';

function parseManagedAccounts(value: unknown): ManagedAccount[] {
  if (!Array.isArray(value)) return [];
  const accounts: ManagedAccount[] = [];
  for (const entry of value) {
    if (accounts.length === MAX_ACCOUNTS) break;
    if (!isRecord(entry) || !isAccountId(entry.id) || accounts.some((seen) => seen.id === entry.id)) continue;
    const account: ManagedAccount = { id: entry.id, ...parseManagedSettings(entry) };
    if (typeof entry.label === 'string') account.label = getBoundedLabel(entry.label);
    accounts.push(account);
  }
  return accounts;
}

/** Keeps only well-typed policy values, as `parseManagedSettings` does for each account: a broken policy never stops Beacon. */
export function parseAccountsPolicy(value: unknown): AccountsPolicy {
  const source = isRecord(value) ? value : {};
  return {
    main: parseManagedSettings(source),
    accounts: parseManagedAccounts(source.accounts),
    allowAddingAccounts: source.allowAddingAccounts !== false,
  };
}

/**
 * A policy saved as `parseAccountsPolicy` returned it (the policy source's last known copy), or as a single-account
 * version saved it (its fields at the top level).
 */
export function parseSavedPolicy(value: unknown): AccountsPolicy {
  if (!isRecord(value) || !isRecord(value.main)) return parseAccountsPolicy(value);
  return parseAccountsPolicy({
    ...value.main,
    accounts: value.accounts,
    allowAddingAccounts: value.allowAddingAccounts,
  });
}

const hasFields = (managed: ManagedSettings) => Object.values(managed).some((value) => value !== undefined);

/** The policy values for one account: the top-level ones for `main`, then its preset's (which win). */
function getManagedFor(policy: AccountsPolicy, id: string): ManagedAccount | null {
  const preset = policy.accounts.find((account) => account.id === id);
  const main = id === MIGRATED_ACCOUNT_ID && hasFields(policy.main) ? policy.main : null;
  if (!preset && !main) return null;
  return { ...main, ...preset, id };
}

/** Accounts the policy defines: they show their locked fields and cannot be removed. */
export function isPolicyAccount(policy: AccountsPolicy, id: string): boolean {
  return getManagedFor(policy, id) !== null;
}

/** The fields of one account a policy sets (the options page shows them read-only). */
export function getLockedFields(policy: AccountsPolicy, id: string): Set<LockableField> {
  const managed = getManagedFor(policy, id);
  const locked = new Set<LockableField>();
  if (!managed) return locked;
  for (const field of MANAGED_FIELDS) if (managed[field] !== undefined) locked.add(field);
  if (managed.label !== undefined) locked.add('label');
  return locked;
}

/** One account with every field its policy sets winning (none for an account of the user's own). */
export function getAccountWithPolicy(account: StoredAccount, policy: AccountsPolicy): StoredAccount {
  const managed = getManagedFor(policy, account.id);
  if (!managed) return account;
  const applied = { ...account };
  for (const field of MANAGED_FIELDS)
    if (managed[field] !== undefined) Object.assign(applied, { [field]: managed[field] });
  if (managed.label !== undefined) applied.label = managed.label;
  return applied;
}

/**
 * The accounts list the options page shows: the stored accounts in the user's order with every policy field winning,
 * `main` first when the top-level policy fields need it and it is missing, presets not stored yet at the end. With
 * adding forbidden, only the policy's accounts (else the user's first one). Cut to MAX_ACCOUNTS, the user's own
 * accounts going first.
 */
export function getAccountsInOptions(stored: readonly StoredAccount[], policy: AccountsPolicy): StoredAccount[] {
  let list = parseStoredAccounts(stored);
  const has = (id: string) => list.some((account) => account.id === id);
  if (hasFields(policy.main) && !has(MIGRATED_ACCOUNT_ID)) list.unshift(getNewAccount(MIGRATED_ACCOUNT_ID));
  for (const preset of policy.accounts) if (!has(preset.id)) list.push(getNewAccount(preset.id));
  const isManaged = (account: StoredAccount) => isPolicyAccount(policy, account.id);
  if (!policy.allowAddingAccounts) list = list.some(isManaged) ? list.filter(isManaged) : list.slice(0, 1);
  while (list.length > MAX_ACCOUNTS) {
    const userIndex = list.findLastIndex((account) => !isManaged(account));
    list.splice(userIndex === -1 ? list.length - 1 : userIndex, 1);
  }
  return list.map((account) => getAccountWithPolicy(account, policy));
}

/**
 * What the background runs with: the options list with the shared preferences, leaving out accounts whose server
 * URL is unusable (still being set up) and an account repeating an earlier one (same sign-in and token).
 */
export function getAccountsInForce(
  stored: readonly StoredAccount[],
  preferences: Preferences,
  policy: AccountsPolicy,
): AccountSettings[] {
  const seen = new Set<string>();
  const accounts: AccountSettings[] = [];
  for (const account of getAccountsInOptions(stored, policy)) {
    if (getServerUrlProblem(account.serverUrl) !== null) continue;
    const settings: AccountSettings = { ...account, ...preferences };
    const identity = `${getAccountKey(settings)}|${account.token.trim()}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    accounts.push(settings);
  }
  return accounts;
}
