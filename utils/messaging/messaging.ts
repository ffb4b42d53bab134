/** The one message channel between the popup/options pages and the background (@webext-core/messaging). */
import { defineExtensionMessaging } from '@webext-core/messaging';
import type { ProtocolMap } from './protocol-map';

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();

/** True for the rejection a send gets when no extension page is open to receive it. */
export function isNoReceiverError(error: unknown): boolean {
  return error instanceof Error && /Receiving end does not exist|Could not establish connection/i.test(error.message);
}
