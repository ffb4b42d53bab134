/**
 * Every check of a guessable credential (bearer token, `?username=`, cookie sign-in token, admin token) goes through
 * here: refused with 429 while the client's address (or the named account) is locked, counted when it fails.
 * Session cookies are not counted: their ids are 192 random bits, and a browser sending an expired one is no guesser.
 */
import type { IncomingMessage } from 'node:http';
import { AuthBackoff, DEFAULT_BACKOFF_POLICY, type BackoffPolicy } from './auth-backoff';
import { getAddressKey, getClientAddress } from './client-address';

export interface CredentialGuardOptions {
  policy?: Partial<BackoffPolicy>;
  now: () => number;
  /** Take the client's address from the last `X-Forwarded-For` entry (behind a reverse proxy only). */
  trustProxy: boolean;
}

export class CredentialGuard {
  private readonly backoff: AuthBackoff;
  private readonly trustProxy: boolean;

  constructor({ policy, now, trustProxy }: CredentialGuardOptions) {
    this.backoff = new AuthBackoff({ ...DEFAULT_BACKOFF_POLICY, ...policy }, now);
    this.trustProxy = trustProxy;
  }

  /** The address a request counts for: IPv4 as is, IPv6 by /64. */
  getAddressKey(req: IncomingMessage): string {
    return getAddressKey(getClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trustProxy));
  }

  /**
   * Checks a credential with `verify` (null or false: wrong) unless the client is locked out (429 thrown). `account`
   * names the account the credential is for, when the request names one (the admin token): failures count against
   * it from every address, and a success clears them.
   */
  async attempt<T>(req: IncomingMessage, verify: () => Promise<T | null>, account?: string): Promise<T | null> {
    const accountKey = account === undefined ? null : `account:${account}`;
    const keys = [`address:${this.getAddressKey(req)}`, ...(accountKey ? [accountKey] : [])];
    this.backoff.assertAllowed(keys);
    const result = await verify();
    if (result === null) this.backoff.fail(keys);
    else if (accountKey) this.backoff.clear(accountKey);
    return result;
  }
}
