/**
 * Cookie sessions: kept by the digest of their id (a stolen data file signs nobody in), with a time to live and a
 * cap per user (the oldest goes first).
 */
import { hashSecret, newSessionId } from '../secrets';

export interface SessionRecord {
  username: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionOptions {
  ttlMs: number;
  maxPerUser: number;
  now: () => number;
  /** After any change, for persistence. */
  changed: () => void;
}

/** Default time to live: a week, then the user signs in on the web app again. */
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600_000;
export const DEFAULT_MAX_SESSIONS_PER_USER = 10;

export class SessionStore {
  /** By digest of the session id. */
  private sessions = new Map<string, SessionRecord>();

  constructor(private readonly options: SessionOptions) {}

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** A new session; returns its id (given to the browser, never stored) and its key (the digest). */
  create(username: string): { id: string; key: string; record: SessionRecord } {
    const id = newSessionId();
    const key = hashSecret(id);
    const now = this.options.now();
    const record = { username, createdAt: now, expiresAt: now + this.options.ttlMs };
    this.sessions.set(key, record);
    const mine = [...this.sessions].filter(([, session]) => session.username === username);
    // Map order is insertion order: the first ones are the oldest.
    for (const [oldKey] of mine.slice(0, Math.max(0, mine.length - this.options.maxPerUser)))
      this.sessions.delete(oldKey);
    this.options.changed();
    return { id, key, record };
  }

  /** The live session for this id, or null (an expired one is removed). */
  find(id: string): { key: string; record: SessionRecord } | null {
    const key = hashSecret(id);
    const record = this.sessions.get(key);
    if (!record) return null;
    if (record.expiresAt <= this.options.now()) {
      this.sessions.delete(key);
      this.options.changed();
      return null;
    }
    return { key, record };
  }

  /** Removes the session with this id; returns its key and user, or null when there was none. */
  delete(id: string): { key: string; username: string } | null {
    const key = hashSecret(id);
    const record = this.sessions.get(key);
    if (!record) return null;
    this.sessions.delete(key);
    this.options.changed();
    return { key, username: record.username };
  }

  /** Removes every session of a user (a new token, or a cleared one). */
  revokeUser(username: string): void {
    let removed = false;
    for (const [key, record] of this.sessions)
      if (record.username === username) removed = this.sessions.delete(key) || removed;
    if (removed) this.options.changed();
  }

  toJSON(): Record<string, SessionRecord> {
    const now = this.options.now();
    return Object.fromEntries([...this.sessions].filter(([, record]) => record.expiresAt > now));
  }

  load(saved: Record<string, SessionRecord>): void {
    this.sessions = new Map(Object.entries(saved));
  }
}
