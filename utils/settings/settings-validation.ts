/** Checks a settings form before saving: one message per field, so nothing is saved half-way. */
import type { MessageKey } from '../labels/message-key';
import { isTimeOfDay } from '../lib/time-of-day';
import { isHeaderSafe } from '../protocol/wire';
import { getAppUrlProblem } from './app-url';
import { getServerUrlProblem, type ServerUrlProblem } from './server-url';
import { MAX_LABEL_LENGTH } from './accounts';
import { findDuplicateAccount, type StoredAccount } from './accounts-model';
import type { Preferences, Settings } from './settings';

type SettingsField =
  'label' | 'serverUrl' | 'appUrl' | 'token' | 'username' | 'quietFrom' | 'quietTo' | 'snoozeTomorrowAt';
export type SettingsErrors = Partial<Record<SettingsField, MessageKey>>;

const URL_PROBLEMS: Record<ServerUrlProblem, MessageKey> = {
  empty: 'errorServerUrlEmpty',
  'not-a-url': 'errorNotAUrl',
  'not-http': 'errorNotHttp',
  insecure: 'errorInsecure',
  'has-extras': 'errorUrlExtras',
};

export function validateSettings(settings: Settings): SettingsErrors {
  const errors: SettingsErrors = {};
  const server = getServerUrlProblem(settings.serverUrl);
  if (server) errors.serverUrl = URL_PROBLEMS[server];
  const app = getAppUrlProblem(settings.appUrl);
  if (app) errors.appUrl = URL_PROBLEMS[app];
  if (settings.authMethod === 'token' && settings.token.trim() === '') errors.token = 'errorTokenEmpty';
  else if (settings.authMethod === 'token' && !isHeaderSafe(settings.token.trim())) errors.token = 'errorTokenInvalid';
  if (settings.authMethod === 'username' && settings.username.trim() === '') errors.username = 'errorUsernameEmpty';
  if (settings.quietHours.enabled) {
    if (!isTimeOfDay(settings.quietHours.from)) errors.quietFrom = 'errorTimeInvalid';
    if (!isTimeOfDay(settings.quietHours.to)) errors.quietTo = 'errorTimeInvalid';
  }
  if (!isTimeOfDay(settings.snoozePresets.tomorrowAt)) errors.snoozeTomorrowAt = 'errorTimeInvalid';
  return errors;
}

/** One account of the list with the preferences, as one account's settings (what its form and its test use). */
export const getAccountForm = (account: StoredAccount, preferences: Preferences): Settings & StoredAccount => ({
  ...account,
  ...preferences,
});

/** An account of the list with a problem (its id) and the messages for its form. */
export interface AccountProblem {
  id: string;
  errors: SettingsErrors;
}

/**
 * Checks every account of the list (and the shared preferences with the first); returns the first account with a
 * problem, or null when the list can be saved. A label is checked as typed (storage would cut it silently); a second
 * account with the same server, sign-in and token is a duplicate.
 */
export function findAccountProblem(
  accounts: readonly StoredAccount[],
  preferences: Preferences,
): AccountProblem | null {
  for (const account of accounts) {
    const errors = validateSettings(getAccountForm(account, preferences));
    if (Array.from(account.label).length > MAX_LABEL_LENGTH) errors.label = 'errorLabelTooLong';
    if (Object.keys(errors).length > 0) return { id: account.id, errors };
  }
  const duplicate = accounts[findDuplicateAccount(accounts)];
  return duplicate ? { id: duplicate.id, errors: { serverUrl: 'errorDuplicateAccount' } } : null;
}

/** Trims what users paste with spaces around it, in every account. */
export function getCleanAccount(account: StoredAccount): StoredAccount {
  return {
    ...account,
    label: account.label.trim(),
    serverUrl: account.serverUrl.trim(),
    appUrl: account.appUrl.trim(),
    token: account.token.trim(),
    username: account.username.trim(),
  };
}
