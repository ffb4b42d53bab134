/**
 * Reading a user's event log (a list of lines, LOG_APPEND in redis-scripts.ts): what the newest entry is, whether
 * entries were trimmed, and which. Entry ids are `<ms>-<seq>`, ordered by Redis across every instance that adds to
 * the log (each line is added by a script, alone).
 */
import type { Cluster, Redis } from 'ioredis';

export interface LogState {
  /** The newest id ever added (`0-0` for a user without events). */
  lastId: string;
  /** The id of the newest line trimmed away, or null when the log was never trimmed. */
  trimmedThrough: string | null;
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
 * Whether a client whose last event is `lastId` can be given everything after it: the id was logged, and nothing
 * after it was trimmed (the log trims from the oldest end, so a client at or after the newest line trimmed has all
 * it missed still in the log).
 */
export function canReplayAfter(lastId: string, state: LogState): boolean {
  if (compareEntryIds(lastId, state.lastId) > 0) return false;
  return state.trimmedThrough === null || compareEntryIds(lastId, state.trimmedThrough) >= 0;
}

/** The newest id in the log (`0-0` for a user without events). */
export async function readLastId(redis: Redis | Cluster, log: string): Promise<string> {
  const line = await redis.lindex(log, -1);
  return line ? line.slice(0, line.indexOf(' ')) : '0-0';
}
