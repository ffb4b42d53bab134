/**
 * A write to `storage.local` that failed, and the way the snapshot still gets saved: when storage is full (Chrome's
 * 10 MB `QUOTA_BYTES`), the inbox cache's lists are dropped, oldest first, and the write tried again. Pure: the writes
 * are injected.
 */

type StorageFailureCode = 'quota' | 'write-failed';

/** The last failed write, kept in diagnostics: why (a code the UI translates), when, and whether it was healed. */
export interface StorageFailure {
  code: StorageFailureCode;
  /** Epoch ms. */
  at: number;
  /** Room was made (cached lists dropped) and the write then succeeded. */
  healed: boolean;
}

/** At most this many rooms made per write: six cached lists, then the cache's stored value itself. */
const MAX_FREEING_ROUNDS = 8;

/**
 * Chrome rejects with "QUOTA_BYTES quota exceeded"; Firefox's IndexedDB-backed storage with a `QuotaExceededError`.
 * Anything else is a write that failed for another reason (no room can be made for it).
 */
function getStorageFailureCode(error: unknown): StorageFailureCode {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /quota/i.test(text) ? 'quota' : 'write-failed';
}

/**
 * Saves; when storage is full, makes room (`makeRoom`: drops the oldest cached list, false when nothing is left) and
 * saves again. Never rejects: returns the failure met on the way (healed or not), or null when the first write worked.
 */
export async function saveMakingRoom(
  save: () => Promise<void>,
  makeRoom: () => Promise<boolean>,
  now: () => number,
): Promise<StorageFailure | null> {
  let failure: StorageFailure | null = null;
  for (let round = 0; ; round++) {
    try {
      await save();
      return failure && { ...failure, healed: true };
    } catch (error) {
      const code = getStorageFailureCode(error);
      failure = { code, at: now(), healed: false };
      if (code !== 'quota' || round >= MAX_FREEING_ROUNDS) return failure;
    }
    const madeRoom = await makeRoom().catch(() => false);
    if (!madeRoom) return failure;
  }
}

const CODES: readonly StorageFailureCode[] = ['quota', 'write-failed'];

/** A stored failure record, checked (snapshot.ts reads diagnostics back through it). */
export function isStorageFailure(value: unknown): value is StorageFailure {
  if (typeof value !== 'object' || value === null) return false;
  const { code, at, healed } = value as Record<string, unknown>;
  return CODES.includes(code as StorageFailureCode) && Number.isFinite(at) && typeof healed === 'boolean';
}
