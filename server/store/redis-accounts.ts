/**
 * Users, tokens (by digest) and cookie sessions of the Redis store. A user's record and the set of its valid sessions
 * share the user's hash slot, and every change that revokes happens there, in one script; the records found by digest
 * (`token:<sha256>` → username, `session:<sha256>` → username and expiry) live in other slots, so each is checked
 * against the user's record when used: a stale one (left by a crash between two steps) grants nothing.
 */
import { hashSecret, newSessionId } from '../secrets';
import type { FoundSession, User, UserSpec } from './backend';
import type { RedisLink } from './redis-link';
import { getSessionKey, getTokenKey, getUserKey } from './redis-keys';
import { CREATE_SESSION_SCRIPT, UPSERT_USER_SCRIPT } from './redis-scripts';

export class RedisAccounts {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly revokeChannel: string,
    private readonly ttlMs: number,
    private readonly maxPerUser: number,
    private readonly now: () => number,
  ) {}

  private get redis() {
    return this.link.redis;
  }

  async upsertUser(user: UserSpec): Promise<User> {
    const mode = user.token === undefined ? 'keep' : user.token ? 'set' : 'clear';
    const digest = user.token ? hashSecret(user.token) : '';
    if (digest) await this.claimToken(digest, user.username);
    const [oldDigest, ...signedOut] = (await this.link.run(() =>
      this.redis.eval(
        UPSERT_USER_SCRIPT,
        2,
        this.userKey(user.username, 'user'),
        this.userKey(user.username, 'sessions'),
        user.username,
        user.role,
        mode,
        digest,
        this.revokeChannel,
      ),
    )) as string[];
    // Clean-up only: these records are no longer valid (see findUserByToken, findSession).
    const stale = signedOut.map((key) => getSessionKey(this.prefix, key));
    if (oldDigest && mode !== 'keep' && oldDigest !== digest) stale.push(getTokenKey(this.prefix, oldDigest));
    await this.deleteKeys(stale);
    return { username: user.username, role: user.role };
  }

  async getUser(username: string): Promise<User | null> {
    const role = await this.link.run(() => this.redis.hget(this.userKey(username, 'user'), 'role'));
    return role === null ? null : { username, role };
  }

  async findUserByToken(token: string): Promise<User | null> {
    const digest = hashSecret(token);
    const username = await this.link.run(() => this.redis.get(getTokenKey(this.prefix, digest)));
    if (username === null) return null;
    const [role, tokenHash] = await this.link.run(() =>
      this.redis.hmget(this.userKey(username, 'user'), 'role', 'tokenHash'),
    );
    return role !== null && role !== undefined && tokenHash === digest ? { username, role } : null;
  }

  async createSession(username: string): Promise<{ id: string; maxAgeSeconds: number }> {
    if (!(await this.getUser(username))) throw new Error(`unknown user ${username}`);
    const id = newSessionId();
    const key = hashSecret(id);
    const now = this.now();
    const expiresAt = now + this.ttlMs;
    const sessionKey = getSessionKey(this.prefix, key);
    await this.link.run(() =>
      this.redis
        .multi()
        .hset(sessionKey, 'username', username, 'createdAt', now, 'expiresAt', expiresAt)
        .pexpire(sessionKey, this.ttlMs)
        .exec(),
    );
    const evicted = (await this.link.run(() =>
      this.redis.eval(
        CREATE_SESSION_SCRIPT,
        2,
        this.userKey(username, 'sessions'),
        this.userKey(username, 'session-seq'),
        key,
        expiresAt,
        now,
        this.ttlMs,
        this.maxPerUser,
      ),
    )) as string[];
    await this.deleteKeys(evicted.map((old) => getSessionKey(this.prefix, old)));
    return { id, maxAgeSeconds: Math.floor(this.ttlMs / 1000) };
  }

  /** A session is valid while its record lives and the user's set still holds it (revocation removes it there). */
  async findSession(sessionId: string): Promise<FoundSession | null> {
    const key = hashSecret(sessionId);
    const [username = null, expiresAt = null] = await this.link.run(() =>
      this.redis.hmget(getSessionKey(this.prefix, key), 'username', 'expiresAt'),
    );
    if (username === null || expiresAt === null) return null;
    if (Number(expiresAt) <= this.now()) {
      await this.deleteSession(sessionId);
      return null;
    }
    const [role, listed] = await this.link.run(() =>
      Promise.all([
        this.redis.hget(this.userKey(username, 'user'), 'role'),
        this.redis.zscore(this.userKey(username, 'sessions'), key),
      ]),
    );
    if (role === null || listed === null) return null;
    return { user: { username, role }, key, expiresAt: Number(expiresAt) };
  }

  /** Signs the session out (in the user's set first: that is what revokes it), then ends the streams it opened. */
  async deleteSession(sessionId: string): Promise<void> {
    const key = hashSecret(sessionId);
    const sessionKey = getSessionKey(this.prefix, key);
    const username = await this.link.run(() => this.redis.hget(sessionKey, 'username'));
    if (username === null) return;
    await this.link.run(async () => {
      await this.redis.zrem(this.userKey(username, 'sessions'), key);
      await this.redis.del(sessionKey);
      await this.redis.publish(this.revokeChannel, `${key}\n${username}`);
    });
  }

  /**
   * Makes the token's record point at this user, unless a valid one points at another user. `SET NX` decides between
   * two users claiming the same new token at once; a record whose user no longer has that token is stale and taken.
   */
  private async claimToken(digest: string, username: string): Promise<void> {
    const tokenKey = getTokenKey(this.prefix, digest);
    const claimed = await this.link.run(() => this.redis.set(tokenKey, username, 'NX'));
    if (claimed === 'OK') return;
    const holder = await this.link.run(() => this.redis.get(tokenKey));
    if (holder === null || holder === username) {
      await this.link.run(() => this.redis.set(tokenKey, username));
      return;
    }
    const holderToken = await this.link.run(() => this.redis.hget(this.userKey(holder, 'user'), 'tokenHash'));
    if (holderToken === digest) throw new Error('token already belongs to another user');
    await this.link.run(() => this.redis.set(tokenKey, username));
  }

  /** Keys in other slots go one by one (a multi-key `DEL` must stay in one slot on a cluster). */
  private async deleteKeys(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.link.run(() => Promise.all(keys.map((key) => this.redis.del(key))));
  }

  private userKey(username: string, kind: 'user' | 'sessions' | 'session-seq'): string {
    return getUserKey(this.prefix, username, kind);
  }
}
