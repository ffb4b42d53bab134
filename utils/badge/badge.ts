/** Badge text, colour, icon and tooltip for a snapshot: pure functions (badge-renderer.ts sets them). */
import { getCategoryLabel } from '../labels/category-labels';
import type { Translate } from '../labels/message-key';
import { formatReason } from '../labels/reason-text';
import { getStatusLabel } from '../labels/status-labels';
import { getVisibleCategories } from '../protocol/categories';
import { getAccountName } from '../settings/accounts';
import {
  getGrandTotal,
  getTotal,
  type AccountSnapshot,
  type ConnectionStatus,
  type Snapshot,
} from '../snapshot/snapshot';

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

/** What one account alone shows on the badge: its total; "!" when signed out, or in error with nothing to count. */
function getAccountBadgeText(account: AccountSnapshot): string {
  if (account.connection.status === 'signed-out') return '!';
  const text = formatCount(getTotal(account));
  // An error with nothing to count still needs a mark, or it looks like "all read".
  return text === '' && isInTrouble(account) ? '!' : text;
}

/** A state the user must act on or know about: the account's numbers may be stale or missing. */
const isInTrouble = (account: AccountSnapshot) =>
  account.connection.status === 'signed-out' ||
  account.connection.status === 'stopped' ||
  account.connection.status === 'error';

/**
 * One account: its text, as it always was. Several (docs/architecture.md, "Badge"): the sum of what each account
 * would show alone (a signed-out account's stale counts are not the server's any more: it adds nothing), with a "!"
 * after it when any account is signed out, stopped or in error, so a total that misses an account never looks
 * complete; "!" alone when that sum is 0.
 */
export function getBadgeText(snapshot: Snapshot): string {
  const { accounts } = snapshot;
  if (accounts.length <= 1) return accounts[0] ? getAccountBadgeText(accounts[0]) : '';
  return formatCount(getGrandTotal(snapshot)) + (accounts.some(isInTrouble) ? '!' : '');
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

/** Which state's colour the badge takes when accounts disagree, most urgent first. */
const COLOR_PRECEDENCE: readonly ConnectionStatus[] = ['live', 'signed-out', 'error', 'stopped', 'offline'];

/**
 * One account: its state's colour. Several: the live colour when at least one account is live (the "!" marks the
 * others' trouble); else the most urgent state's colour (signed out, then error or stopped), grey while connecting.
 */
export function getBadgeColor(snapshot: Snapshot): string {
  const statuses = snapshot.accounts.map((account) => account.connection.status);
  const status = COLOR_PRECEDENCE.find((candidate) => statuses.includes(candidate)) ?? statuses[0] ?? 'unconfigured';
  return BADGE_COLORS[status];
}

/** The coloured icon while at least one account is live. */
export function isLive(snapshot: Snapshot): boolean {
  return snapshot.accounts.some((account) => account.connection.status === 'live');
}

/**
 * Tooltip. One account: its state, reason, per-category counts and last sync (as it always was). Several: one line per
 * account in the user's order: its name and total, or its state when it is not live (with its total, if any).
 */
export function getBadgeTitle(snapshot: Snapshot, t: Translate, formatTime: (epochMs: number) => string): string {
  const { accounts } = snapshot;
  if (accounts.length > 1) {
    return [
      t('extName'),
      ...accounts.map((account) => `${getAccountName(account)}: ${getAccountLine(account, t)}`),
    ].join('\n');
  }
  const account = accounts[0];
  if (!account) return `${t('extName')} — ${getStatusLabel('unconfigured', t)}`;
  const lines = [`${t('extName')} — ${getStatusLabel(account.connection.status, t)}`];
  // Live has a reason only when its heartbeats are late (a buffering proxy): the badge may lag, so it says so.
  if (account.connection.reason) lines.push(formatReason(account.connection.reason, t));
  for (const category of getVisibleCategories(account.role)) {
    lines.push(`${getCategoryLabel(category, t)}: ${account.counts[category]}`);
  }
  if (account.lastSyncedAt !== null) lines.push(t('lastSynced', formatTime(account.lastSyncedAt)));
  return lines.join('\n');
}

function getAccountLine(account: AccountSnapshot, t: Translate): string {
  const total = getTotal(account);
  const { status } = account.connection;
  if (status === 'live' && !account.connection.reason) return String(total);
  const state = account.connection.reason
    ? `${getStatusLabel(status, t)} — ${formatReason(account.connection.reason, t)}`
    : getStatusLabel(status, t);
  return status === 'signed-out' || total === 0 ? state : `${total} (${state})`;
}

const ICON_SIZES = [16, 32, 48, 128] as const;

export function getIconPaths(live: boolean): Record<string, string> {
  return Object.fromEntries(
    ICON_SIZES.map((size) => [String(size), live ? `/icon/${size}.png` : `/icon-grey/${size}.png`]),
  );
}
