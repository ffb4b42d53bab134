/**
 * Moves data of an earlier key layout to the current one, once per data set, before an instance answers. Each step is
 * a script that is safe to run twice, so instances starting together may both run it. Old instances must be stopped
 * first: one still running would write items in the old layout after the migration (docs/deploying.md).
 */
import type { Redis } from 'ioredis';
import { MIGRATE_ITEMS_SCRIPT } from './redis-scripts';

/** The layout this code writes: 2 = unread items indexed in sets, not flagged inside each item (issue #22 point 5). */
const LAYOUT_VERSION = 2;

/** Moves every items list to the unread index, unless the data set says it is done. */
export async function migrateItemLists(redis: Redis, prefix: string): Promise<void> {
  const versionKey = `${prefix}layout`;
  if (Number(await redis.get(versionKey)) >= LAYOUT_VERSION) return;
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}items:*`, 'COUNT', 1000);
    cursor = nextCursor;
    for (const key of keys) {
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
  } while (cursor !== '0');
  await redis.set(versionKey, LAYOUT_VERSION);
}

/** A prefix is matched literally, whatever glob characters it holds. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
