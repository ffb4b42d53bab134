/** What the background does about browser events that are not Beacon's own: pure rules, wired by the entrypoint. */
import type { ConnectionStatus } from '../snapshot/snapshot';
import { getAccountKey } from '../settings/account-key';
import { isCookieForServer } from '../settings/host-permission';
import type { Settings } from '../settings/settings';

/**
 * Browser-session sign-in, signed out (a 401 waits for something to change, protocol §7.4): a cookie the web app
 * sets for the server means the user signed in there again, so Beacon tries again.
 */
export function isSignInCookie(
  change: { removed: boolean; cookieDomain: string },
  status: ConnectionStatus,
  settings: Settings,
): boolean {
  return (
    !change.removed &&
    status === 'signed-out' &&
    settings.authMethod === 'cookie' &&
    isCookieForServer(change.cookieDomain, settings.serverUrl)
  );
}

/** First install: lead the user to a working setup, unless an administrator already set up an account. */
export function needsSetupOnInstall(reason: string, accounts: readonly Settings[]): boolean {
  return reason === 'install' && accounts.every((account) => getAccountKey(account) === null);
}
