/** The one message protocol between the popup/options pages and the background (@webext-core/messaging). */
import { defineExtensionMessaging } from '@webext-core/messaging';
import type { MarkReadTarget } from '../background/background-core';
import type { Snapshot } from '../snapshot/snapshot';

export interface ProtocolMap {
  /** The background's current snapshot. */
  getSnapshot(): Snapshot;
  /** Marks a category (or every visible one) read on the server; rejects with the server's error. */
  markRead(target: MarkReadTarget): void;
  /** "Retry now": reconnect immediately, also out of a signed-out or stopped state. */
  reconnect(): void;
  /** Background → open pages: the snapshot changed. No page open is normal. */
  snapshotChanged(snapshot: Snapshot): void;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();

/** True for the rejection a send gets when no extension page is open to receive it. */
export function isNoReceiverError(error: unknown): boolean {
  return error instanceof Error && /Receiving end does not exist|Could not establish connection/i.test(error.message);
}
