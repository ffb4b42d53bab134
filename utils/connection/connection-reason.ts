/**
 * Why a connection is not live, or why a request failed, as a code with its numbers. No text: the popup, the tooltip
 * and the options page translate it (labels/reason-text.ts), so every locale reads its own language. Only `detail`
 * carries outside words (the server's error sentence, the browser's network error), shown as quoted.
 */
import type { StreamEnd } from './sse-stream';

export type ConnectionReason = (
  | { code: 'http'; status: number; detail: string }
  | { code: 'network'; detail: string }
  | { code: 'stalled'; seconds: number }
  | { code: 'closed' }
  | { code: 'no-content' }
  | { code: 'not-event-stream'; contentType: string }
  | { code: 'unbounded-event'; chars: number }
  | { code: 'invalid-response'; detail: string }
  | { code: 'timeout'; seconds: number }
  | { code: 'offline' }
  | { code: 'no-permission' }
  | { code: 'unsendable-header'; header: string }
  | { code: 'too-large'; bytes: number }
  | { code: 'redirect' }
  /** Live, but no heartbeat for this long: a proxy may be buffering the stream (counts are checked over REST). */
  | { code: 'buffered'; seconds: number }
) & {
  /** The REST path that failed; absent for the stream. */
  path?: string;
};

/** The reason an attempt's end shows; null when the caller aborted it (nothing to show). */
export function getStreamEndReason(end: StreamEnd): ConnectionReason | null {
  switch (end.type) {
    case 'aborted':
      return null;
    case 'closed':
      return { code: 'closed' };
    case 'no-content':
      return { code: 'no-content' };
    case 'bad-content-type':
      return { code: 'not-event-stream', contentType: end.contentType };
    case 'http-error':
      return { code: 'http', status: end.status, detail: end.message };
    case 'network-error':
      return { code: 'network', detail: end.message };
    case 'protocol-error':
      return { code: 'unbounded-event', chars: end.pendingChars };
    case 'request-rejected':
      return { code: 'unsendable-header', header: end.header };
    case 'redirected':
      return { code: 'redirect' };
  }
}

/** A short English tag for logs (`http-503`, `stalled`): logs are for developers, the UI translates the reason. */
export function getReasonTag(reason: ConnectionReason): string {
  return (reason.path ? `${reason.path} ` : '') + (reason.code === 'http' ? `http-${reason.status}` : reason.code);
}

/** The server refused the sign-in (401/403): Beacon is signed out until something changes (protocol §7.4). */
export function isSignInRefused(reason: ConnectionReason): boolean {
  return reason.code === 'http' && (reason.status === 401 || reason.status === 403);
}
