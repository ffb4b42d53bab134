/** The snooze in `storage.local` (`snooze`): local to this browser, and it survives a restart. */
import { storage } from '@wxt-dev/storage';
import { normalizeSnooze, type Snooze } from './snooze';

export const snoozeItem = storage.defineItem<Snooze | null>('local:snooze', { fallback: null, version: 1 });

export async function loadSnooze(): Promise<Snooze | null> {
  return normalizeSnooze(await snoozeItem.getValue());
}

export function saveSnooze(snooze: Snooze | null): Promise<void> {
  return snoozeItem.setValue(snooze);
}
