/**
 * Key names of the Redis store. Everything of one user shares one hash slot: the user's part sits in braces (a Redis
 * Cluster hash tag), so every script touches one slot and runs on one shard. Lookups by digest (token → user,
 * session → user) are keys of their own, in whatever slot they hash to; nothing reaches them from inside a script.
 */
import type { Category } from '../../utils/protocol/categories';

/** The key layout this code writes (the `layout` key; redis-migration.ts moves older ones). */
export const LAYOUT_VERSION = 4;

/** Per-user kinds of key. */
export type UserKeyKind = 'user' | 'items' | 'unread-ids' | 'unread' | 'log' | 'item-seq' | 'sessions' | 'session-seq';

/**
 * Usernames may hold any character; keys get them escaped so `a:b` cannot reach another user's keys, and `{`, `}`
 * (which would end the hash tag) are escaped too.
 */
function keyPart(username: string): string {
  return encodeURIComponent(username);
}

/** `<prefix>{<user>}:<kind>[:<category>]`. */
export function getUserKey(prefix: string, username: string, kind: UserKeyKind, category?: Category): string {
  return `${prefix}{${keyPart(username)}}:${kind}${category ? `:${category}` : ''}`;
}

export function getTokenKey(prefix: string, digest: string): string {
  return `${prefix}token:${digest}`;
}

export function getSessionKey(prefix: string, digest: string): string {
  return `${prefix}session:${digest}`;
}
