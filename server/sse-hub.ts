/** Open event streams per user: writes events and heartbeats, drops clients that stop reading. */
import type { ServerResponse } from 'node:http';
import { canSeeCategory, getCategoryOfNoticeType, isNoticeType, type Category } from '../utils/protocol/categories';
import { RESYNC_EVENT, type ResyncEventData } from '../utils/protocol/wire';
import type { LoggedEvent } from './store/backend';

/** A client that has this much unsent data is too slow and is disconnected. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function formatMessageEvent(event: LoggedEvent): string {
  return `id: ${event.id}\ndata: ${event.data}\n\n`;
}

/**
 * The category a logged event is about, from its `notice_type`; an event without a valid one (never written by the
 * stores) counts as the most restricted category, so a filter fails closed.
 */
export function getEventCategory(event: LoggedEvent): Category {
  try {
    const { notice_type } = JSON.parse(event.data) as { notice_type?: unknown };
    if (isNoticeType(notice_type)) return getCategoryOfNoticeType(notice_type);
  } catch {
    // falls through: not JSON
  }
  return 'report_email';
}

/** Whether a stream opened with `role` may get this event (protocol §2: report e-mails only for roles not `user`). */
export function isEventVisible(event: LoggedEvent, role: string): boolean {
  return canSeeCategory(getEventCategory(event), role);
}

export function formatResyncEvent(latestId: string): string {
  const data: ResyncEventData = { reason: 'replay_unavailable' };
  return `event: ${RESYNC_EVENT}\nid: ${latestId}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class SseHub {
  private streams = new Map<string, Set<ServerResponse>>();
  /** The session each cookie-authenticated stream was opened with, to end them when it is signed out. */
  private sessionOf = new WeakMap<ServerResponse, string>();
  /**
   * The role each stream was opened with: it sees only the categories that role may read (protocol §2). A role
   * change ends the user's streams (the store's revoke listeners), so this is never stale for long.
   */
  private roleOf = new WeakMap<ServerResponse, string>();
  /** Live events held back from a stream while its replay is read (the backend may be async). */
  private held = new WeakMap<ServerResponse, LoggedEvent[]>();
  private heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs: number) {
    this.heartbeat = setInterval(() => this.broadcastAll(': ping\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    let total = 0;
    for (const set of this.streams.values()) total += set.size;
    return total;
  }

  countFor(username: string): number {
    return this.streams.get(username)?.size ?? 0;
  }

  /** Adds a stream; with `hold`, live events wait for `release` (subscribe first, then read the replay). */
  add(username: string, role: string, res: ServerResponse, sessionKey: string | null = null, hold = false): void {
    this.roleOf.set(res, role);
    if (sessionKey) this.sessionOf.set(res, sessionKey);
    if (hold) this.held.set(res, []);
    let set = this.streams.get(username);
    if (!set) this.streams.set(username, (set = new Set()));
    set.add(res);
    res.on('close', () => this.remove(username, res));
  }

  /** Sends a message event of `category`, formatted as `text`, to the user's streams whose role may see it. */
  send(username: string, event: LoggedEvent, text: string, category: Category): void {
    for (const res of this.streams.get(username) ?? []) {
      if (!canSeeCategory(category, this.roleOf.get(res) ?? null)) continue;
      const held = this.held.get(res);
      if (held) held.push({ id: event.id, data: text });
      else write(res, text);
    }
  }

  /**
   * Writes a held stream's head (with its replay), then the live events that arrived meanwhile, except those the
   * replay already had: a live event absent from the replay was logged after it was read, so it comes after it.
   */
  release(res: ServerResponse, head: string, replayedIds: ReadonlySet<string>): void {
    const held = this.held.get(res) ?? [];
    this.held.delete(res);
    // Ended meanwhile (the client left, or the backend was interrupted and every stream ended).
    if (res.destroyed || res.writableEnded) return;
    write(
      res,
      head +
        held
          .filter((event) => !replayedIds.has(event.id))
          .map((event) => event.data)
          .join(''),
    );
  }

  /** Ends a user's streams opened with this session, or all of them (null): their credentials were revoked. */
  endFor(username: string, sessionKey: string | null): void {
    for (const res of [...(this.streams.get(username) ?? [])]) {
      if (sessionKey !== null && this.sessionOf.get(res) !== sessionKey) continue;
      // Out of the set at once: an event published before the socket's 'close' must not be written after end.
      this.remove(username, res);
      res.end();
    }
  }

  /** Ends every stream; clients reconnect with their Last-Event-ID. */
  endAll(): void {
    for (const set of this.streams.values()) for (const res of set) res.end();
    this.streams.clear();
  }

  /** Ends every stream and stops the heartbeat, for shutdown. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    this.endAll();
  }

  private remove(username: string, res: ServerResponse): void {
    const set = this.streams.get(username);
    if (!set) return;
    set.delete(res);
    if (set.size === 0) this.streams.delete(username);
  }

  private broadcastAll(text: string): void {
    for (const set of this.streams.values()) for (const res of set) if (!this.held.has(res)) write(res, text);
  }
}

function write(res: ServerResponse, text: string): void {
  // A stream ended or destroyed but not yet closed takes no more writes (Node throws "write after end").
  if (res.writableEnded || res.destroyed) return;
  if (res.writableLength > MAX_BUFFERED_BYTES) {
    res.destroy();
    return;
  }
  res.write(text);
}
