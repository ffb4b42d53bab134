/**
 * The shared backend: everything in one Redis, so any instance answers any request (docs/deploying.md). Each user's
 * events are a log of short lines with stream-style ids; the SSE id is `<data set>.<ms>-<seq>`, increasing across
 * instances because Redis orders the lines. Counts change only inside Lua scripts (redis-scripts.ts), atomically.
 * Live events reach every instance through pub/sub, sharded on a cluster (redis-link.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  CATEGORIES,
  getCategoryOfNoticeType,
  getNoticeType,
  getZeroCounts,
  type Category,
  type CategoryCounts,
} from '../../utils/protocol/categories';
import type { CategoryPageBody } from '../../utils/protocol/wire';
import {
  BackendUnavailableError,
  type EventListener,
  type FoundSession,
  type Item,
  type LoggedEvent,
  type NewNotification,
  type NotificationBackend,
  type Published,
  type ReplayResult,
  type RevokeListener,
  type User,
  type UserSpec,
} from './backend';
import { RedisLink } from './redis-link';
import { canReplayAfter, parseEventId, readLastId } from './redis-log';
import { LIST_SCRIPT, MARK_READ_SCRIPT, PUBLISH_SCRIPT, REPLAY_SCRIPT } from './redis-scripts';
import { migrateLayout } from './redis-migration';
import { RedisAccounts } from './redis-accounts';
import { formatStoredItemTail, parseStoredItem } from './redis-item';
import { getUserKey, type UserKeyKind } from './redis-keys';
import { getAllShardChannels, getShardChannel } from './redis-shard-channels';
import { DEFAULT_MAX_SESSIONS_PER_USER, DEFAULT_SESSION_TTL_MS } from './session-store';

export interface RedisStoreOptions {
  /** Prefix of every key and channel (default `beacon:`). */
  prefix?: string;
  /** Events kept per user for replay (exactly N lines of the log). */
  replayLimit?: number;
  itemLimit?: number;
  sessionTtlMs?: number;
  maxSessionsPerUser?: number;
  /**
   * Replicas that must have a publish or mark-read before it is answered `2xx` (`WAIT`), when the shard has that
   * many connected: default 1 on a cluster (whose failover promotes a replica), 0 on a standalone Redis (whose
   * durability is its append-only file).
   */
  waitReplicas?: number;
  waitTimeoutMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export class RedisStore implements NotificationBackend {
  private readonly link: RedisLink;
  private readonly accounts: RedisAccounts;
  private readonly prefix: string;
  private readonly eventsChannel: string;
  private readonly revokeChannel: string;
  /** Identifies the data in this Redis; ids of another data set (or of a Redis that lost its data) get resync. */
  private dataset = '';
  private readonly listeners = new Set<EventListener>();
  private readonly revokeListeners = new Set<RevokeListener>();
  private readonly interruptListeners = new Set<() => void>();

  private constructor(
    url: string,
    private readonly options: RedisStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'beacon:';
    this.eventsChannel = `${this.prefix}events`;
    this.revokeChannel = `${this.prefix}revoke`;
    this.link = new RedisLink(url, [this.eventsChannel, this.revokeChannel], () => getAllShardChannels(this.prefix), {
      message: (channel, text) => this.handleMessage(channel, text),
      up: () => this.loadDataset(),
      interrupted: () => {
        for (const listener of this.interruptListeners) listener();
      },
      log: options.log ?? (() => {}),
    });
    this.accounts = new RedisAccounts(
      this.link,
      this.prefix,
      this.revokeChannel,
      options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER,
      () => (options.now ?? Date.now)(),
    );
  }

  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    // A brace in the prefix would be every key's hash tag: all users in one slot, the per-user tag ignored.
    if (/[{}]/.test(options.prefix ?? '')) throw new Error('the Redis key prefix may not contain braces ({ or })');
    const store = new RedisStore(url, options);
    try {
      await store.link.connect();
    } catch (error) {
      await store.link.close();
      throw new Error(`cannot reach Redis at ${new URL(url).host}: ${(error as Error).message}`);
    }
    return store;
  }

  /** Lines kept per log: a client that missed `replayLimit` events is at the newest line trimmed (redis-log.ts). */
  private get logLength(): number {
    return this.options.replayLimit ?? 100;
  }

  private get redis() {
    return this.link.redis;
  }

  upsertUser(user: UserSpec): Promise<User> {
    return this.accounts.upsertUser(user);
  }

  getUser(username: string): Promise<User | null> {
    return this.accounts.getUser(username);
  }

  findUserByToken(token: string): Promise<User | null> {
    return this.accounts.findUserByToken(token);
  }

  createSession(username: string): Promise<{ id: string; maxAgeSeconds: number }> {
    return this.accounts.createSession(username);
  }

  findSession(sessionId: string): Promise<FoundSession | null> {
    return this.accounts.findSession(sessionId);
  }

  deleteSession(sessionId: string): Promise<void> {
    return this.accounts.deleteSession(sessionId);
  }

  async publish(username: string, notification: NewNotification): Promise<Published> {
    const category = getCategoryOfNoticeType(notification.notice_type);
    const fields = {
      notice_type: notification.notice_type,
      title: notification.title ?? '',
      content: notification.content ?? '',
      url: notification.url ?? null,
      created_at: new Date((this.options.now ?? Date.now)()).toISOString(),
    };
    // The script puts the item id in front and the count at the end: the JSON is the memory store's, field for field.
    const fieldsJson = JSON.stringify(fields).slice(1, -1);
    const [itemId, entry, unreadCount] = (await this.link.run(() =>
      this.write(
        PUBLISH_SCRIPT,
        5,
        this.key('items', username, category),
        this.key('unread', username),
        this.key('log', username),
        this.key('item-seq', username),
        this.key('unread-ids', username, category),
        category,
        formatStoredItemTail(fields),
        `${fieldsJson},"unread_count":`,
        this.options.itemLimit ?? 1000,
        this.logLength,
        this.getEventsChannel(username),
        username,
        notification.notice_type,
        this.publishCommand,
      ),
    )) as [string, string, number];
    const item: Item = { id: itemId, ...fields, read: false };
    const { read: _read, ...eventFields } = item;
    const data = JSON.stringify({ ...eventFields, unread_count: unreadCount });
    return { item, event: { id: this.eventId(entry), data }, unreadCount };
  }

  async list(username: string, category: Category, page: number, limit: number): Promise<CategoryPageBody> {
    // Oldest first in Redis: page 1 is the last `limit` entries (negative indices count from the end).
    const [texts, unread, total, count] = (await this.link.run(() =>
      this.redis.eval(
        LIST_SCRIPT,
        3,
        this.key('items', username, category),
        this.key('unread-ids', username, category),
        this.key('unread', username),
        category,
        -page * limit,
        -(page - 1) * limit - 1,
      ),
    )) as [string[], number[], number, string];
    const data = texts.map((text, i): Item => ({ ...parseStoredItem(text), read: unread[i] !== 1 }));
    return { data: data.reverse(), unread_count: Number(count), page, limit, total };
  }

  async markRead(username: string, category: Category, ids?: string[]): Promise<number> {
    const [changed] = (await this.link.run(() =>
      this.write(
        MARK_READ_SCRIPT,
        3,
        this.key('unread-ids', username, category),
        this.key('unread', username),
        this.key('log', username),
        category,
        getNoticeType(category),
        this.logLength,
        this.getEventsChannel(username),
        username,
        this.publishCommand,
        ids ? 'ids' : 'all',
        ...(ids ?? []),
      ),
    )) as [number, string, number];
    return changed;
  }

  async unreadCounts(username: string): Promise<CategoryCounts> {
    const saved = await this.link.run(() => this.redis.hgetall(this.key('unread', username)));
    const counts = getZeroCounts();
    for (const category of Object.keys(counts) as Category[]) counts[category] = Number(saved[category] ?? 0);
    return counts;
  }

  async latestEventId(username: string): Promise<string> {
    return this.eventId(await this.link.run(() => readLastId(this.redis, this.key('log', username))));
  }

  async replaySince(username: string, lastEventId: string): Promise<ReplayResult> {
    const parsed = parseEventId(lastEventId);
    const [[lastId, trimmedThrough], ...entries] = (await this.link.run(() =>
      this.redis.eval(
        REPLAY_SCRIPT,
        2 + CATEGORIES.length,
        this.key('log', username),
        this.key('unread', username),
        ...CATEGORIES.map((category) => this.key('items', username, category)),
        parsed?.entry ?? '0-0',
      ),
    )) as [[string, string | null], ...ReplayEntry[]];
    const state = { lastId, trimmedThrough };
    const resync: ReplayResult = { kind: 'resync', latestId: this.eventId(state.lastId) };
    if (!parsed || parsed.dataset !== this.dataset) return resync;
    // Newer than anything logged (forged, or from a Redis that lost its data), or events after it were trimmed.
    if (!canReplayAfter(parsed.entry, state)) return resync;
    const events: LoggedEvent[] = [];
    for (const [entry, kind, text, count] of entries) {
      // An item the replay names was dropped by the item limit: the client refetches instead.
      if (text === null) return resync;
      const data = kind === 'event' ? text : JSON.stringify({ ...parseStoredItem(text), unread_count: Number(count) });
      events.push({ id: this.eventId(entry), data });
    }
    return { kind: 'replay', events };
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onRevoke(listener: RevokeListener): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  onInterrupted(listener: () => void): () => void {
    this.interruptListeners.add(listener);
    return () => this.interruptListeners.delete(listener);
  }

  isAvailable(): boolean {
    return this.link.available;
  }

  close(): Promise<void> {
    return this.link.close();
  }

  /**
   * Runs a script that changes a user's data; with `waitReplicas`, answers only once that many replicas of the
   * user's shard have the change (`WAIT`), so a master lost right after the answer loses nothing a client was told.
   * Each pipeline goes to the user's node (its first command has the user's key), on the one connection this
   * instance holds to it, so `WAIT` covers the script. A shard with no replica connected (one lost, not yet back)
   * is answered on the master's word alone, as a standalone Redis is; a replica connected that does not confirm
   * within `waitTimeoutMs` makes the answer 503 (the change may or may not survive; a retry may repeat it).
   */
  private async write(
    script: string,
    keyCount: number,
    key: string,
    ...args: Array<string | number>
  ): Promise<unknown> {
    const replicas = this.options.waitReplicas ?? (this.link.cluster ? 1 : 0);
    if (replicas === 0) return this.redis.eval(script, keyCount, key, ...args);
    const [value, role] = unwrap(
      await this.redis
        .pipeline()
        .eval(script, keyCount, key, ...args)
        .role()
        .exec(),
    ) as [unknown, [string, number, unknown[]?]];
    const connected = role[2]?.length ?? 0;
    if (connected === 0) return value;
    const wanted = Math.min(replicas, connected);
    const [, confirmed] = unwrap(
      await this.redis
        .pipeline()
        .exists(key)
        .wait(wanted, this.options.waitTimeoutMs ?? 2000)
        .exec(),
    ) as [number, number];
    if (confirmed < wanted) {
      throw new BackendUnavailableError(`Redis: ${confirmed} of ${wanted} replicas confirmed the write in time`);
    }
    return value;
  }

  /** Events come back to the instance that logged them through the channel too: one path, in Redis's order. */
  private handleMessage(channel: string, text: string): void {
    // `entry \n data \n username`: the entry id and the JSON have no raw newline, a username might.
    const first = text.indexOf('\n');
    const second = text.indexOf('\n', first + 1);
    if (channel === this.eventsChannel || channel.startsWith(`${this.eventsChannel}{`)) {
      const event = { id: this.eventId(text.slice(0, first)), data: text.slice(first + 1, second) };
      for (const listener of this.listeners) listener(text.slice(second + 1), event);
    } else if (channel === this.revokeChannel) {
      // `session key \n username`; an empty key revokes everything the user had.
      for (const listener of this.revokeListeners) listener(text.slice(first + 1), text.slice(0, first) || null);
    }
  }

  /**
   * The data set's id: made by the first instance, read by the others (again after every reconnect); and data of an
   * earlier layout migrated before this instance answers.
   */
  private async loadDataset(): Promise<void> {
    const key = `${this.prefix}dataset`;
    await this.redis.set(key, randomBytes(6).toString('hex'), 'NX');
    this.dataset = (await this.redis.get(key)) ?? '';
    await migrateLayout(this.redis, this.prefix, this.link.cluster);
  }

  /**
   * Fan-out: on a cluster sharded pub/sub, on the channel of the user's slot (only that shard carries the event);
   * on a standalone Redis the one classic channel.
   */
  private getEventsChannel(username: string): string {
    return this.link.cluster ? getShardChannel(this.prefix, this.key('user', username)) : this.eventsChannel;
  }

  private get publishCommand(): string {
    return this.link.cluster ? 'SPUBLISH' : 'PUBLISH';
  }

  private eventId(entry: string): string {
    return `${this.dataset}.${entry}`;
  }

  private key(kind: UserKeyKind, username: string, category?: Category): string {
    return getUserKey(this.prefix, username, kind, category);
  }
}

/** A replayed log entry: an event as logged, or an item (null when gone) and the count after it. */
type ReplayEntry = [string, 'event', string] | [string, 'item', string | null, number];

function unwrap(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new BackendUnavailableError('Redis pipeline aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
