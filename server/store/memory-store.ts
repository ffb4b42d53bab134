/**
 * The embedded backend (the default): users, items, unread counts and a bounded per-user event log for replay
 * (protocol §7.2), in this process's memory, saved to a file by `persistence.ts` with `--data`. One instance only.
 */
import { randomBytes } from 'node:crypto';
import {
  getCategoryOfNoticeType,
  getNoticeType,
  getZeroCounts,
  type Category,
  type CategoryCounts,
} from '../../utils/protocol/categories';
import type { CategoryPageBody, NoticeEventData } from '../../utils/protocol/wire';
import { hashSecret } from '../secrets';
import type {
  EventListener,
  FoundSession,
  Item,
  LoggedEvent,
  NewNotification,
  NotificationBackend,
  Published,
  ReplayResult,
  RevokeListener,
  User,
  UserSpec,
} from './backend';
import { DEFAULT_MAX_SESSIONS_PER_USER, DEFAULT_SESSION_TTL_MS, SessionStore } from './session-store';
import { migrateSnapshot, type SnapshotV2 } from './snapshot-migration';

interface UserState extends User {
  /** SHA-256 of the user's token: the token itself is never kept. */
  tokenHash: string | null;
  /** Items per category, oldest first. */
  items: Record<Category, Item[]>;
  unread: CategoryCounts;
  /** Last event sequence number given to this user; event ids are `${epoch}.${seq}`. */
  seq: number;
  /** The message events kept for replay, with their numbers. */
  log: Array<LoggedEvent & { seq: number }>;
}

type StoreSnapshot = SnapshotV2<UserState>;

export interface StoreOptions {
  /** How many events per user are kept for replay. */
  replayLimit?: number;
  /** How many items per user and category are kept; older ones are dropped. */
  itemLimit?: number;
  now?: () => Date;
  sessionTtlMs?: number;
  maxSessionsPerUser?: number;
}

export class MemoryStore implements NotificationBackend {
  private epoch = randomBytes(4).toString('hex');
  private nextItemId = 1;
  private users = new Map<string, UserState>();
  /** Username by token digest. */
  private tokens = new Map<string, string>();
  private readonly sessions: SessionStore;
  private listeners = new Set<EventListener>();
  private revokeListeners = new Set<RevokeListener>();
  private changeListeners = new Set<() => void>();
  private readonly replayLimit: number;
  private readonly itemLimit: number;
  private readonly now: () => Date;

  constructor(options: StoreOptions = {}) {
    this.replayLimit = options.replayLimit ?? 100;
    this.itemLimit = options.itemLimit ?? 1000;
    this.now = options.now ?? (() => new Date());
    this.sessions = new SessionStore({
      ttlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      maxPerUser: options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER,
      now: () => this.now().getTime(),
      changed: () => this.changed(),
    });
  }

  onRevoke(listener: RevokeListener): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After any change, for persistence. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  async upsertUser(user: UserSpec): Promise<User> {
    const existing = this.users.get(user.username);
    const tokenHash =
      user.token === undefined ? (existing?.tokenHash ?? null) : user.token ? hashSecret(user.token) : null;
    if (tokenHash) {
      const holder = this.tokens.get(tokenHash);
      if (holder && holder !== user.username) throw new Error('token already belongs to another user');
    }
    const state: UserState = existing ?? {
      username: user.username,
      role: user.role,
      tokenHash: null,
      items: { likes: [], stars: [], comments: [], system: [], manager: [], report_email: [] },
      unread: getZeroCounts(),
      seq: 0,
      log: [],
    };
    const roleChanged = existing !== undefined && existing.role !== user.role;
    state.role = user.role;
    if (existing && existing.tokenHash !== tokenHash) {
      if (existing.tokenHash) this.tokens.delete(existing.tokenHash);
      // A new or removed token ends everything signed in with the old one: sessions and open streams.
      this.sessions.revokeUser(user.username);
      for (const listener of this.revokeListeners) listener(user.username, null);
    } else if (roleChanged) {
      // Streams see what their role allows: they end, and reconnect under the new role (sessions stay).
      for (const listener of this.revokeListeners) listener(user.username, null);
    }
    state.tokenHash = tokenHash;
    if (tokenHash) this.tokens.set(tokenHash, user.username);
    this.users.set(user.username, state);
    this.changed();
    return toUser(state);
  }

  async getUser(username: string): Promise<User | null> {
    return this.findUser(username);
  }

  async findUserByToken(token: string): Promise<User | null> {
    const username = this.tokens.get(hashSecret(token));
    return username ? this.findUser(username) : null;
  }

  async createSession(username: string): Promise<{ id: string; maxAgeSeconds: number }> {
    this.requireUser(username);
    const { id } = this.sessions.create(username);
    return { id, maxAgeSeconds: Math.floor(this.sessions.ttlMs / 1000) };
  }

  async findSession(sessionId: string): Promise<FoundSession | null> {
    const found = this.sessions.find(sessionId);
    const user = found && this.findUser(found.record.username);
    return found && user ? { user, key: found.key, expiresAt: found.record.expiresAt } : null;
  }

  async deleteSession(sessionId: string): Promise<void> {
    const deleted = this.sessions.delete(sessionId);
    if (deleted) for (const listener of this.revokeListeners) listener(deleted.username, deleted.key);
  }

  async publish(username: string, notification: NewNotification): Promise<Published> {
    const user = this.requireUser(username);
    const category = getCategoryOfNoticeType(notification.notice_type);
    const item: Item = {
      id: `n-${this.nextItemId++}`,
      notice_type: notification.notice_type,
      title: notification.title ?? '',
      content: notification.content ?? '',
      url: notification.url ?? null,
      created_at: this.now().toISOString(),
      read: false,
    };
    const items = user.items[category];
    items.push(item);
    user.unread[category]++;
    if (items.length > this.itemLimit) {
      const dropped = items.splice(0, items.length - this.itemLimit);
      user.unread[category] -= dropped.filter((old) => !old.read).length;
    }
    const { read: _read, ...fields } = item;
    const event = this.appendEvent(user, { ...fields, unread_count: user.unread[category] } satisfies NoticeEventData);
    return { item, event, unreadCount: user.unread[category] };
  }

  async list(username: string, category: Category, page: number, limit: number): Promise<CategoryPageBody> {
    const user = this.requireUser(username);
    const items = user.items[category];
    const end = items.length - (page - 1) * limit;
    const start = Math.max(0, end - limit);
    const data = end > 0 ? items.slice(start, end).reverse() : [];
    return { data, unread_count: user.unread[category], page, limit, total: items.length };
  }

  async markRead(username: string, category: Category, ids?: string[]): Promise<number> {
    const user = this.requireUser(username);
    const wanted = ids ? new Set(ids) : null;
    let changed = 0;
    for (const item of user.items[category]) {
      if (!item.read && (!wanted || wanted.has(item.id))) {
        item.read = true;
        changed++;
      }
    }
    if (changed > 0) {
      user.unread[category] -= changed;
      this.appendEvent(user, {
        notice_type: getNoticeType(category),
        unread_count: user.unread[category],
        kind: 'read',
      } satisfies NoticeEventData);
    }
    return changed;
  }

  async unreadCounts(username: string): Promise<CategoryCounts> {
    return { ...this.requireUser(username).unread };
  }

  async latestEventId(username: string): Promise<string> {
    return this.latestId(this.requireUser(username));
  }

  async replaySince(username: string, lastEventId: string): Promise<ReplayResult> {
    const user = this.requireUser(username);
    const resync: ReplayResult = { kind: 'resync', latestId: this.latestId(user) };
    const match = /^([0-9a-f]+)\.(\d+)$/.exec(lastEventId);
    if (!match || match[1] !== this.epoch) return resync;
    const lastSeq = Number(match[2]);
    if (lastSeq > user.seq) return resync;
    const oldestKept = user.log[0]?.seq ?? user.seq + 1;
    if (lastSeq < oldestKept - 1) return resync;
    return {
      kind: 'replay',
      events: user.log.filter((event) => event.seq > lastSeq).map(({ id, data }) => ({ id, data })),
    };
  }

  toSnapshot(): StoreSnapshot {
    return {
      version: 2,
      epoch: this.epoch,
      nextItemId: this.nextItemId,
      users: [...this.users.values()],
      sessions: this.sessions.toJSON(),
    };
  }

  /** Replaces the whole state with a saved snapshot; true when it came from an older version (save it again). */
  loadSnapshot(saved: unknown): boolean {
    const { snapshot, migrated } = migrateSnapshot(saved, this.now().getTime(), this.sessions.ttlMs);
    const users = snapshot.users as unknown as UserState[];
    this.epoch = snapshot.epoch;
    this.nextItemId = snapshot.nextItemId;
    this.users = new Map(users.map((user) => [user.username, user]));
    this.tokens = new Map(users.filter((u) => u.tokenHash).map((u) => [u.tokenHash!, u.username]));
    this.sessions.load(snapshot.sessions);
    return migrated;
  }

  /** Never interrupted: events are handed to the listeners in the same call that logs them. */
  onInterrupted(): () => void {
    return () => {};
  }

  isAvailable(): boolean {
    return true;
  }

  async close(): Promise<void> {} // persistence.ts saves the data

  private latestId(user: UserState): string {
    return `${this.epoch}.${user.seq}`;
  }

  private findUser(username: string): User | null {
    const state = this.users.get(username);
    return state ? toUser(state) : null;
  }

  private appendEvent(user: UserState, payload: NoticeEventData): LoggedEvent {
    user.seq++;
    const event = { id: `${this.epoch}.${user.seq}`, data: JSON.stringify(payload) };
    user.log.push({ seq: user.seq, ...event });
    if (user.log.length > this.replayLimit) user.log.splice(0, user.log.length - this.replayLimit);
    for (const listener of this.listeners) listener(user.username, event);
    this.changed();
    return event;
  }

  private requireUser(username: string): UserState {
    const user = this.users.get(username);
    if (!user) throw new Error(`unknown user ${username}`);
    return user;
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}

function toUser(state: UserState): User {
  return { username: state.username, role: state.role };
}
