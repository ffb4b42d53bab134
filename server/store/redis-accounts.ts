/** Users, tokens (by digest) and cookie sessions of the Redis store; every change that revokes goes through Lua. */
import { hashSecret, newSessionId } from '../secrets';
import type { FoundSession, User, UserSpec } from './backend';
import type { RedisLink } from './redis-link';
import { CREATE_SESSION_SCRIPT, DELETE_SESSION_SCRIPT, UPSERT_USER_SCRIPT } from './redis-scripts';

/** Usernames may hold any character; keys get them escaped so `a:b` cannot reach another user's keys. */
export function keyPart(username: string): string {
  return encodeURIComponent(username);
}

export class RedisAccounts {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly revokeChannel: string,
    private readonly ttlMs: number,
    private readonly maxPerUser: number,
    private readonly now: () => number,
  ) {}

  async upsertUser(user: UserSpec): Promise<User> {
    const mode = user.token === undefined ? 'keep' : user.token ? 'set' : 'clear';
    const digest = user.token ? hashSecret(user.token) : '';
    await this.link.run(() =>
      this.link.redis.eval(
        UPSERT_USER_SCRIPT,
        0,
        this.prefix,
        keyPart(user.username),
        user.username,
        user.role,
        mode,
        digest,
        this.revokeChannel,
      ),
    );
    return { username: user.username, role: user.role };
  }

  async getUser(username: string): Promise<User | null> {
    const role = await this.link.run(() => this.link.redis.hget(`${this.prefix}user:${keyPart(username)}`, 'role'));
    return role === null ? null : { username, role };
  }

  async findUserByToken(token: string): Promise<User | null> {
    const username = await this.link.run(() => this.link.redis.get(`${this.prefix}token:${hashSecret(token)}`));
    return username === null ? null : this.getUser(username);
  }

  async createSession(username: string): Promise<{ id: string; maxAgeSeconds: number }> {
    if (!(await this.getUser(username))) throw new Error(`unknown user ${username}`);
    const id = newSessionId();
    const ttl = this.ttlMs;
    const max = this.maxPerUser;
    const now = this.now();
    await this.link.run(() =>
      this.link.redis.eval(
        CREATE_SESSION_SCRIPT,
        0,
        this.prefix,
        keyPart(username),
        hashSecret(id),
        username,
        now,
        now + ttl,
        ttl,
        max,
      ),
    );
    return { id, maxAgeSeconds: Math.floor(ttl / 1000) };
  }

  async findSession(sessionId: string): Promise<FoundSession | null> {
    const key = hashSecret(sessionId);
    const [username = null, expiresAt = null] = await this.link.run(() =>
      this.link.redis.hmget(`${this.prefix}session:${key}`, 'username', 'expiresAt'),
    );
    if (username === null || expiresAt === null) return null;
    if (Number(expiresAt) <= this.now()) {
      await this.deleteSession(sessionId);
      return null;
    }
    const user = await this.getUser(username);
    return user && { user, key, expiresAt: Number(expiresAt) };
  }

  async deleteSession(sessionId: string): Promise<void> {
    const key = hashSecret(sessionId);
    await this.link.run(() => this.link.redis.eval(DELETE_SESSION_SCRIPT, 0, this.prefix, key, this.revokeChannel));
  }
}
