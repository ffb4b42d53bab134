/**
 * Several accounts in one Beacon (docs/configuration.md): each is one server and sign-in with its own connection,
 * counts and inbox; the preferences (notifications per category, quiet hours, sound, snooze presets) are shared.
 */
import { getServerUrlProblem } from './server-url';
import type { Settings } from './settings';

/** Most accounts one Beacon holds: each keeps a stream open, and a browser allows 6 per HTTP/1.1 host. */
export const MAX_ACCOUNTS = 10;
/** Longest label kept: it names the account on one popup line and in a notification title. */
export const MAX_LABEL_LENGTH = 40;
/** The id of the account a single-account version's settings become on update (its snapshot keeps its numbers). */
export const MIGRATED_ACCOUNT_ID = 'main';

/**
 * One account as the background runs it: the settings in force for it (its connection with policy applied, and the
 * shared preferences), with its id and label.
 */
export interface AccountSettings extends Settings {
  /** Chosen when the account is added (a random UUID), never reused: keys its state, storage and notifications. */
  id: string;
  /** The user's name for it; empty means the server's host names it. */
  label: string;
}

/** What names an account in the popup, the tooltip and notifications: its label, else its server's host. */
export function getAccountName(account: Pick<AccountSettings, 'label' | 'serverUrl'>): string {
  const label = account.label.trim();
  if (label !== '') return label;
  return getServerUrlProblem(account.serverUrl) === null ? new URL(account.serverUrl).host : account.serverUrl;
}
