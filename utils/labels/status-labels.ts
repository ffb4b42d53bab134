/** One name per connection state, for the tooltip, the popup and the diagnostics. */
import type { ConnectionStatus } from '../snapshot/snapshot';
import type { Translate } from './message-key';

const KEYS = {
  live: 'statusLive',
  connecting: 'statusConnecting',
  reconnecting: 'statusReconnecting',
  offline: 'statusOffline',
  unconfigured: 'statusUnconfigured',
  'signed-out': 'statusSignedOut',
  stopped: 'statusStopped',
  error: 'statusError',
} as const satisfies Record<ConnectionStatus, string>;

export function getStatusLabel(status: ConnectionStatus, t: Translate): string {
  return t(KEYS[status]);
}
