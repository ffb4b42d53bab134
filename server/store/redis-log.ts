/**
 * Reading a user's event log, a Redis Stream: what the newest entry is, whether entries were trimmed, and the
 * entries after an id. Entry ids are `<ms>-<seq>`, ordered by Redis across every instance that adds to the stream.
 */
import type { Cluster, Redis } from 'ioredis';

const EMPTY_LOG: LogState = { lastId: '0-0', firstId: null, trimmed: false };

export interface LogState {
  /** The newest id ever added (`0-0` for a user without events). */
  lastId: string;
  /** The oldest id still kept, or null when the log is empty. */
  firstId: string | null;
  /** Whether `MAXLEN` has trimmed entries away (more were added than are kept). */
  trimmed: boolean;
}

/** Splits `<data set>.<ms>-<seq>`; null for anything else (an id of the memory store, garbage). */
export function parseEventId(id: string): { dataset: string; entry: string } | null {
  const match = /^([0-9a-f]+)\.(\d{1,20}-\d{1,20})$/.exec(id);
  return match ? { dataset: match[1]!, entry: match[2]! } : null;
}

function compareEntryIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/**
 * Whether a client whose last event is `lastId` can be given everything after it: the id was logged, and it is still
 * in the log when the log was trimmed (`MAXLEN` trims from the oldest end, so everything after a kept id is kept).
 * A client whose id was the last one trimmed gets resync too, though nothing after it is missing: the log does not
 * tell which id came right before the oldest one kept.
 */
export function canReplayAfter(lastId: string, state: LogState): boolean {
  if (compareEntryIds(lastId, state.lastId) > 0) return false;
  return !state.trimmed || (state.firstId !== null && compareEntryIds(lastId, state.firstId) >= 0);
}

export async function readLogState(redis: Redis | Cluster, log: string): Promise<LogState> {
  try {
    return toLogState((await redis.xinfo('STREAM', log)) as unknown[]);
  } catch (error) {
    if (/no such key/i.test((error as Error).message)) return EMPTY_LOG;
    throw error;
  }
}

/** The state from `XINFO STREAM`'s reply; null (no log yet) is an empty log. */
export function toLogState(info: unknown[] | null): LogState {
  if (!info) return EMPTY_LOG;
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < info.length; i += 2) fields.set(String(info[i]), info[i + 1]);
  const first = fields.get('first-entry') as [string, unknown] | null | undefined;
  return {
    lastId: String(fields.get('last-generated-id') ?? '0-0'),
    firstId: first ? first[0] : null,
    trimmed: Number(fields.get('entries-added') ?? 0) > Number(fields.get('length') ?? 0),
  };
}
