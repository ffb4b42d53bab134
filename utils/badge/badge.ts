/** Badge text, colour, icon and tooltip for a snapshot: pure functions (badge-renderer.ts sets them). */
import { getCategoryLabel } from '../labels/category-labels';
import type { Translate } from '../labels/message-key';
import { formatReason } from '../labels/reason-text';
import { getStatusLabel } from '../labels/status-labels';
import { getVisibleCategories } from '../protocol/categories';
import { getTotal, type ConnectionStatus, type Snapshot } from '../snapshot/snapshot';

/**
 * The one way a count is written, on the badge and in the popup: about four characters fit on a badge, so "99+"
 * above 99; nothing for zero (an empty badge is "all read") or for what is not a count.
 */
export function formatCount(total: number): string {
  if (!(total > 0)) return '';
  return total > 99 ? '99+' : String(total);
}

/** A count on a popup row (and its first frame): as on the badge, but a row says "0". */
export function formatRowCount(count: number): string {
  return formatCount(count) || '0';
}

export function getBadgeText(snapshot: Snapshot): string {
  switch (snapshot.connection.status) {
    case 'unconfigured':
      return '';
    case 'signed-out':
      return '!';
    default: {
      const text = formatCount(getTotal(snapshot));
      // An error with nothing to count still needs a mark, or it looks like "all read".
      return text === '' && (snapshot.connection.status === 'error' || snapshot.connection.status === 'stopped')
        ? '!'
        : text;
    }
  }
}

export const BADGE_COLORS: Record<ConnectionStatus, string> = {
  live: '#d93025',
  connecting: '#80868b',
  reconnecting: '#80868b',
  offline: '#80868b',
  unconfigured: '#80868b',
  'signed-out': '#e37400',
  stopped: '#b3261e',
  error: '#b3261e',
};

export function isLive(snapshot: Snapshot): boolean {
  return snapshot.connection.status === 'live';
}

/** Tooltip: per-category breakdown, connection state, last synced time. */
export function getBadgeTitle(snapshot: Snapshot, t: Translate, formatTime: (epochMs: number) => string): string {
  const lines = [`${t('extName')} — ${getStatusLabel(snapshot.connection.status, t)}`];
  if (snapshot.connection.status === 'unconfigured') return lines.join('\n');
  // Live has a reason only when its heartbeats are late (a buffering proxy): the badge may lag, so it says so.
  if (snapshot.connection.reason) lines.push(formatReason(snapshot.connection.reason, t));
  for (const category of getVisibleCategories(snapshot.role)) {
    lines.push(`${getCategoryLabel(category, t)}: ${snapshot.counts[category]}`);
  }
  if (snapshot.lastSyncedAt !== null) lines.push(t('lastSynced', formatTime(snapshot.lastSyncedAt)));
  return lines.join('\n');
}

const ICON_SIZES = [16, 32, 48, 128] as const;

export function getIconPaths(live: boolean): Record<string, string> {
  return Object.fromEntries(
    ICON_SIZES.map((size) => [String(size), live ? `/icon/${size}.png` : `/icon-grey/${size}.png`]),
  );
}
