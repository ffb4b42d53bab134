/**
 * What the routes need from the server's data, whichever engine holds it: the embedded in-memory store
 * (`memory-store.ts`, the default) or Redis shared by several instances (`redis-store.ts`). Every method is async so
 * both satisfy it; `tests/server/backend-contract.ts` holds the behaviour both must show.
 */
import type { Category, CategoryCounts, NoticeType } from '../../utils/protocol/categories';
import type { CategoryPageBody, NotificationItem } from '../../utils/protocol/wire';

export type Item = NotificationItem;

export interface User {
  username: string;
  role: string;
}

/** A user to create or update: `token` undefined keeps the current token, null removes it. */
export interface UserSpec extends User {
  token?: string | null;
}

/** A message event as stored in the replay log: its SSE id and its JSON data. */
export interface LoggedEvent {
  id: string;
  data: string;
}

export interface NewNotification {
  notice_type: NoticeType;
  title?: string;
  content?: string;
  url?: string | null;
}

export interface Published {
  item: Item;
  event: LoggedEvent;
  unreadCount: number;
}

/** A live cookie session: the user, its key (the digest of its id, to tie streams to it) and when it ends. */
export interface FoundSession {
  user: User;
  key: string;
  expiresAt: number;
}

export type ReplayResult = { kind: 'replay'; events: LoggedEvent[] } | { kind: 'resync'; latestId: string };

/** A new message event of a user, from this instance or (with Redis) any other. */
export type EventListener = (username: string, event: LoggedEvent) => void;
/**
 * Credentials were revoked: one session (its key), or everything the user had (null); also null when the user's role
 * changed, so streams opened under the old role end (sessions stay).
 */
export type RevokeListener = (username: string, sessionKey: string | null) => void;

/** The backend cannot answer now (Redis unreachable): the request gets 503 with Retry-After, not 500. */
export class BackendUnavailableError extends Error {
  readonly type = 'backend-unavailable';
}

export interface NotificationBackend {
  upsertUser(user: UserSpec): Promise<User>;
  getUser(username: string): Promise<User | null>;
  findUserByToken(token: string): Promise<User | null>;
  /** Signs a user in; the id goes into the cookie and is not kept, only its digest. */
  createSession(username: string): Promise<{ id: string; maxAgeSeconds: number }>;
  findSession(sessionId: string): Promise<FoundSession | null>;
  /** Signs a session out; the revoke listeners (of every instance) end the streams it opened. */
  deleteSession(sessionId: string): Promise<void>;
  /** Adds an unread item and logs its message event; the event listeners of every instance get it. */
  publish(username: string, notification: NewNotification): Promise<Published>;
  /** Items of one category, newest first. */
  list(username: string, category: Category, page: number, limit: number): Promise<CategoryPageBody>;
  /** Marks items read (all of the category when ids is undefined), logs a `kind: "read"` event; returns how many. */
  markRead(username: string, category: Category, ids?: string[]): Promise<number>;
  unreadCounts(username: string): Promise<CategoryCounts>;
  latestEventId(username: string): Promise<string>;
  /** What a client reconnecting with `Last-Event-ID: lastEventId` must get (protocol §7.2). */
  replaySince(username: string, lastEventId: string): Promise<ReplayResult>;
  onEvent(listener: EventListener): () => void;
  onRevoke(listener: RevokeListener): () => void;
  /**
   * Called when live events may have been missed (Redis connection lost): open streams must end, so their clients
   * reconnect with Last-Event-ID and replay what they missed. Never called by the memory store.
   */
  onInterrupted(listener: () => void): () => void;
  /** False while the backend cannot answer (health checks, new streams). */
  isAvailable(): boolean;
  close(): Promise<void>;
}
