/**
 * The reference server's data: users, their notification items, unread counts and a bounded per-user event log for
 * `Last-Event-ID` replay (docs/protocol.md §7.2). Pure state: persistence and HTTP live elsewhere.
 */
import { randomBytes } from 'node:crypto';
import {
  getCategoryOfNoticeType,
  getNoticeType,
  getZeroCounts,
  type Category,
  type CategoryCounts,
  type NoticeType,
} from '../utils/protocol/categories';
import type { CategoryPageBody, NoticeEventData, NotificationItem } from '../utils/protocol/wire';

export type Item = NotificationItem;

export interface User {
  username: string;
  role: string;
  token: string | null;
}

/** A message event as stored in the replay log: its SSE id and its JSON data. */
export interface LoggedEvent {
  seq: number;
  id: string;
  data: string;
}

interface UserState extends User {
  /** Items per category, oldest first. */
  items: Record<Category, Item[]>;
  unread: CategoryCounts;
  /** Last event sequence number given to this user; event ids are `${epoch}.${seq}`. */
  seq: number;
  log: LoggedEvent[];
}

export interface StoreSnapshot {
  version: 1;
  epoch: string;
  nextItemId: number;
  users: UserState[];
  sessions: Record<string, string>;
}

export interface NewNotification {
  notice_type: NoticeType;
  title?: string;
  content?: string;
  url?: string | null;
}

export type ReplayResult = { kind: 'replay'; events: LoggedEvent[] } | { kind: 'resync'; latestId: string };

export type StoreListener = (username: string, event: LoggedEvent) => void;

export interface StoreOptions {
  /** How many events per user are kept for replay. */
  replayLimit?: number;
  /** How many items per user and category are kept; older ones are dropped. */
  itemLimit?: number;
  now?: () => Date;
}

export class NotificationStore {
  private epoch = randomBytes(4).toString('hex');
  private nextItemId = 1;
  private users = new Map<string, UserState>();
  private tokens = new Map<string, string>();
  private sessions = new Map<string, string>();
  private listeners = new Set<StoreListener>();
  private changeListeners = new Set<() => void>();
  private readonly replayLimit: number;
  private readonly itemLimit: number;
  private readonly now: () => Date;

  constructor(options: StoreOptions = {}) {
    this.replayLimit = options.replayLimit ?? 100;
    this.itemLimit = options.itemLimit ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** Called with every new message event, for live streams. */
  onEvent(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after any change, for persistence. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  upsertUser(user: User): User {
    const existing = this.users.get(user.username);
    if (existing?.token) this.tokens.delete(existing.token);
    const state: UserState = existing ?? {
      ...user,
      items: { likes: [], stars: [], comments: [], system: [], manager: [], report_email: [] },
      unread: getZeroCounts(),
      seq: 0,
      log: [],
    };
    state.role = user.role;
    state.token = user.token;
    if (user.token) {
      const holder = this.tokens.get(user.token);
      if (holder && holder !== user.username) throw new Error('token already belongs to another user');
      this.tokens.set(user.token, user.username);
    }
    this.users.set(user.username, state);
    this.changed();
    return toUser(state);
  }

  getUser(username: string): User | null {
    const state = this.users.get(username);
    return state ? toUser(state) : null;
  }

  findUserByToken(token: string): User | null {
    const username = this.tokens.get(token);
    return username ? this.getUser(username) : null;
  }

  createSession(username: string): string {
    const sessionId = randomBytes(24).toString('base64url');
    this.sessions.set(sessionId, username);
    this.changed();
    return sessionId;
  }

  findUserBySession(sessionId: string): User | null {
    const username = this.sessions.get(sessionId);
    return username ? this.getUser(username) : null;
  }

  deleteSession(sessionId: string): void {
    if (this.sessions.delete(sessionId)) this.changed();
  }

  /** Adds an unread item and logs (and broadcasts) its message event. */
  publish(username: string, notification: NewNotification): { item: Item; event: LoggedEvent; unreadCount: number } {
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

  /** Items of one category, newest first. */
  list(username: string, category: Category, page: number, limit: number): CategoryPageBody {
    const user = this.requireUser(username);
    const items = user.items[category];
    const end = items.length - (page - 1) * limit;
    const start = Math.max(0, end - limit);
    const data = end > 0 ? items.slice(start, end).reverse() : [];
    return { data, unread_count: user.unread[category], page, limit, total: items.length };
  }

  /** Marks items read (all of the category when ids is undefined); returns how many changed. */
  markRead(username: string, category: Category, ids?: string[]): number {
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

  unreadCounts(username: string): CategoryCounts {
    return { ...this.requireUser(username).unread };
  }

  latestEventId(username: string): string {
    return `${this.epoch}.${this.requireUser(username).seq}`;
  }

  /** What a client reconnecting with `Last-Event-ID: lastEventId` must get (protocol §7.2). */
  replaySince(username: string, lastEventId: string): ReplayResult {
    const user = this.requireUser(username);
    const resync: ReplayResult = { kind: 'resync', latestId: this.latestEventId(username) };
    const match = /^([0-9a-f]+)\.(\d+)$/.exec(lastEventId);
    if (!match || match[1] !== this.epoch) return resync;
    const lastSeq = Number(match[2]);
    if (lastSeq > user.seq) return resync;
    const oldestKept = user.log[0]?.seq ?? user.seq + 1;
    if (lastSeq < oldestKept - 1) return resync;
    return { kind: 'replay', events: user.log.filter((event) => event.seq > lastSeq) };
  }

  toSnapshot(): StoreSnapshot {
    return {
      version: 1,
      epoch: this.epoch,
      nextItemId: this.nextItemId,
      users: [...this.users.values()],
      sessions: Object.fromEntries(this.sessions),
    };
  }

  /** Replaces the whole state with a saved snapshot. */
  loadSnapshot(snapshot: StoreSnapshot): void {
    if (snapshot.version !== 1) throw new Error(`unsupported data version ${String(snapshot.version)}`);
    this.epoch = snapshot.epoch;
    this.nextItemId = snapshot.nextItemId;
    this.users = new Map(snapshot.users.map((user) => [user.username, user]));
    this.tokens = new Map(snapshot.users.filter((u) => u.token).map((u) => [u.token!, u.username]));
    this.sessions = new Map(Object.entries(snapshot.sessions));
  }

  private appendEvent(user: UserState, payload: NoticeEventData): LoggedEvent {
    user.seq++;
    const event: LoggedEvent = { seq: user.seq, id: `${this.epoch}.${user.seq}`, data: JSON.stringify(payload) };
    user.log.push(event);
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
  return { username: state.username, role: state.role, token: state.token };
}
