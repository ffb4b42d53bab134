/** A connection reason (connection/connection-reason.ts) in the user's language. */
import type { ConnectionReason } from '../connection/connection-reason';
import { LATE_STREAM_CHECK_MS } from '../protocol/wire';
import type { Translate } from './message-key';

export function formatReason(reason: ConnectionReason, t: Translate): string {
  const text = formatReasonOnly(reason, t);
  return reason.path ? t('reasonAtPath', [reason.path, text]) : text;
}

function formatReasonOnly(reason: ConnectionReason, t: Translate): string {
  switch (reason.code) {
    case 'http':
      return reason.detail
        ? t('reasonHttp', [String(reason.status), reason.detail])
        : t('reasonHttpStatus', String(reason.status));
    case 'network':
      return t('reasonNetwork', reason.detail);
    case 'stalled':
      return t('reasonStalled', String(reason.seconds));
    case 'closed':
      return t('reasonClosed');
    case 'no-content':
      return t('reasonNoContent');
    case 'not-event-stream':
      return t('reasonNotEventStream', reason.contentType || t('reasonNone'));
    case 'unbounded-event':
      return t('reasonUnboundedEvent', String(reason.chars));
    case 'invalid-response':
      return t('reasonInvalidResponse', reason.detail);
    case 'timeout':
      return t('reasonTimeout', String(reason.seconds));
    case 'offline':
      return t('reasonOffline');
    case 'no-permission':
      return t('noPermissionReason');
    case 'unsendable-header':
      return t('reasonUnsendableHeader', reason.header);
    case 'too-large':
      return t('reasonTooLarge', String(Math.round(reason.bytes / 1024)));
    case 'redirect':
      return t('reasonRedirect');
    case 'buffered':
      return t('reasonBuffered', [String(reason.seconds), String(LATE_STREAM_CHECK_MS / 1000)]);
  }
}
