/**
 * Snapshots of one account for tests written before there were several: a flat view (the account's fields and the
 * diagnostics) and the snapshot it stands for. Assertions on the only account read as they did.
 */
import { MIGRATED_ACCOUNT_ID } from '@/utils/settings/accounts';
import {
  getEmptyAccountSnapshot,
  getEmptySnapshot,
  type AccountSnapshot,
  type Diagnostics,
  type Snapshot,
} from '@/utils/snapshot/snapshot';

/** One account's fields beside the diagnostics: what a single-account snapshot was. */
export type FlatSnapshot = AccountSnapshot & { diagnostics: Diagnostics };

const TEST_ACCOUNT_KEY = 'https://notify.test/api|token|';

/** The account at `index` (the first by default) with the diagnostics; an empty account when there is none. */
export function flat(snapshot: Snapshot, index = 0): FlatSnapshot {
  const account = snapshot.accounts[index] ?? {
    ...getEmptyAccountSnapshot({ id: '', label: '', serverUrl: '', accountKey: '' }),
    connection: { status: 'unconfigured', retryAt: null, reason: null },
  };
  return { ...account, diagnostics: snapshot.diagnostics };
}

/** A snapshot of one account ('main' unless the change says otherwise), its fields changed as given. */
export function oneAccount(change: Partial<FlatSnapshot> = {}): Snapshot {
  const { diagnostics = getEmptySnapshot().diagnostics, ...account } = change;
  const base = getEmptyAccountSnapshot({
    id: MIGRATED_ACCOUNT_ID,
    label: '',
    serverUrl: 'https://notify.test/api',
    accountKey: TEST_ACCOUNT_KEY,
  });
  return { accounts: [{ ...base, ...account }], diagnostics };
}
