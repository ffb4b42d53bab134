/** The data file's versions: 1 kept tokens and session ids in plaintext; 2 keeps their SHA-256 digests. */
import { hashSecret } from '../secrets';
import type { SessionRecord } from './session-store';

/** What version 2 keeps per user besides the items (see store.ts). */
interface SavedUserV2 {
  username: string;
  tokenHash: string | null;
  [field: string]: unknown;
}

export interface SnapshotV2<U = SavedUserV2> {
  version: 2;
  epoch: string;
  nextItemId: number;
  users: U[];
  /** By digest of the session id. */
  sessions: Record<string, SessionRecord>;
}

interface SnapshotV1 {
  version: 1;
  epoch: string;
  nextItemId: number;
  users: Array<{ username: string; token: string | null; [field: string]: unknown }>;
  sessions: Record<string, string>;
}

/** Brings a saved file to version 2; old sessions get a fresh time to live from now. */
export function migrateSnapshot(
  saved: unknown,
  now: number,
  ttlMs: number,
): { snapshot: SnapshotV2; migrated: boolean } {
  const version = (saved as { version?: unknown } | null)?.version;
  if (version === 2) return { snapshot: saved as SnapshotV2, migrated: false };
  if (version !== 1) throw new Error(`unsupported data version ${String(version)}`);
  const old = saved as SnapshotV1;
  const users = old.users.map(({ token, ...user }) => ({ ...user, tokenHash: token ? hashSecret(token) : null }));
  const sessions = Object.fromEntries(
    Object.entries(old.sessions).map(([id, username]) => [
      hashSecret(id),
      { username, createdAt: now, expiresAt: now + ttlMs } satisfies SessionRecord,
    ]),
  );
  return { snapshot: { ...old, version: 2, users, sessions }, migrated: true };
}
