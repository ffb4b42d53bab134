/** The persisted snapshot in `storage.local` (`snapshot`): read back checked, so no stored value can break Beacon. */
import { storage } from '@wxt-dev/storage';
import { getEmptySnapshot, normalizeSnapshot, type Snapshot } from './snapshot';

const snapshotItem = storage.defineItem<Snapshot>('local:snapshot', {
  fallback: getEmptySnapshot(),
  version: 1,
});

export async function loadSnapshot(): Promise<Snapshot> {
  return normalizeSnapshot(await snapshotItem.getValue());
}

export function saveSnapshot(snapshot: Snapshot): Promise<void> {
  return snapshotItem.setValue(snapshot);
}
