/**
 * Moves data of an earlier key layout to the current one (redis-keys.ts), once per data set, before an instance
 * answers. Each step is safe to run twice, so instances starting together may both run it. Old instances must be
 * stopped first: one still running would keep writing the old layout (docs/deploying.md).
 *
 * - Layout 2 moved the read flags out of the items into a set of unread item numbers (issue #22 point 5).
 * - Layout 3 put each user's keys in one hash slot (`<prefix>{<user>}:<kind>`, for Redis Cluster), made the item
 *   counter per user (starting at the old shared counter, so no id is given twice) and ordered sessions by expiry.
 * - Layout 4 moved each user's log from a Redis Stream to a list of lines (a fifth of a user's memory less), ids
 *   kept. It runs on a cluster too, on the keys of every master.
 *
 * Only a standalone Redis can hold a layout before 3 (the cluster support came with layout 3): to move such data to
 * a cluster, start this version once on the single Redis, then move the keys.
 */
import { Cluster, type Redis } from 'ioredis';
import { getSessionKey, LAYOUT_VERSION } from './redis-keys';
import { MIGRATE_ITEMS_SCRIPT, MIGRATE_LOG_SCRIPT } from './redis-scripts';

/** Brings the data set to LAYOUT_VERSION. A cluster holding an older layout is refused (see above). */
export async function migrateLayout(redis: Redis | Cluster, prefix: string, cluster: boolean): Promise<void> {
  const versionKey = `${prefix}layout`;
  const found = await redis.get(versionKey);
  const version = Number(found ?? 0);
  if (version >= LAYOUT_VERSION) return;
  if (cluster) {
    if (found !== null && version < 3) {
      throw new Error(`the data set has key layout ${version}: migrate it on a single Redis first`);
    }
  } else {
    const standalone = redis as Redis;
    if (version < 2) await migrateItemFlags(standalone, prefix);
    if (version < 3) await moveToUserSlots(standalone, prefix);
  }
  if (found !== null || !cluster) await moveLogsToLists(redis, prefix);
  await redis.set(versionKey, LAYOUT_VERSION);
}

/** Layout 1 → 2: each items list's unread flags into the unread index (names of layout 2). */
async function migrateItemFlags(redis: Redis, prefix: string): Promise<void> {
  for (const key of await scanKeys(redis, `${escapeGlob(prefix)}items:*`)) {
    // `<prefix>items:<user key part>:<category>`: the user part is URI-encoded, so it holds no `:`.
    const [userPart, category] = key.slice(prefix.length + 'items:'.length).split(':');
    if (!userPart || !category) continue;
    await redis.eval(
      MIGRATE_ITEMS_SCRIPT,
      3,
      key,
      `${prefix}unread-ids:${userPart}:${category}`,
      `${prefix}unread:${userPart}`,
      category,
    );
  }
}

/** Layout 2 → 3: `<prefix><kind>:<user>[:<category>]` renamed to `<prefix>{<user>}:<kind>[:<category>]`. */
async function moveToUserSlots(redis: Redis, prefix: string): Promise<void> {
  const itemSeq = (await redis.get(`${prefix}item-seq`)) ?? '0';
  for (const kind of ['user', 'items', 'unread-ids', 'unread', 'log', 'sessions']) {
    for (const key of await scanKeys(redis, `${escapeGlob(prefix)}${kind}:*`)) {
      const [userPart, category] = key.slice(prefix.length + kind.length + 1).split(':');
      if (!userPart) continue;
      const target = `${prefix}{${userPart}}:${kind}${category ? `:${category}` : ''}`;
      if (kind === 'sessions') await reorderSessions(redis, prefix, key, target);
      else await redis.renamenx(key, target).catch(ignoreMissing);
      if (kind === 'user') await redis.set(`${prefix}{${userPart}}:item-seq`, itemSeq, 'NX');
    }
  }
}

/** Layout 3 → 4: every user's log, on every master of a cluster (MIGRATE_LOG_SCRIPT). */
async function moveLogsToLists(redis: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    for (const key of await scanKeys(node, `${escapeGlob(prefix)}{*}:log`)) {
      const userPart = key.slice(prefix.length + 1, -'}:log'.length);
      await redis.eval(MIGRATE_LOG_SCRIPT, 2, key, `${prefix}{${userPart}}:unread`);
    }
  }
}

/** A user's sessions, scored by a counter before, by expiry now (what CREATE_SESSION_SCRIPT removes them by). */
async function reorderSessions(redis: Redis, prefix: string, from: string, to: string): Promise<void> {
  const members = await redis.zrange(from, 0, -1);
  for (const [order, digest] of members.entries()) {
    const expiresAt = await redis.hget(getSessionKey(prefix, digest), 'expiresAt');
    if (expiresAt !== null) await redis.zadd(to, Number(expiresAt) * 1000 + order, digest);
  }
  await redis.del(from);
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [nextCursor, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = nextCursor;
    keys.push(...found);
  } while (cursor !== '0');
  return keys;
}

/** Another instance migrating at the same time renamed it first. */
function ignoreMissing(error: Error): void {
  if (!/no such key/i.test(error.message)) throw error;
}

/** A prefix is matched literally, whatever glob characters it holds. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
