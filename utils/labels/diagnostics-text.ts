/**
 * The options page's diagnostics in the user's language: what the background observed on its real connection (the
 * same findings the connection test reports: heartbeats, event ids, counts in events, read events), as rows for the
 * page and as plain text for a bug report. Nothing secret is in a snapshot, so nothing secret is in the text.
 */
import type { TestStepResult } from '../connection/test-findings';
import { getAccountName } from '../settings/accounts';
import type { Snapshot } from '../snapshot/snapshot';
import type { StorageFailure } from '../snapshot/storage-failure';
import type { Translate } from './message-key';
import { formatReason } from './reason-text';
import { getStatusLabel } from './status-labels';
import { formatTestStep } from './test-step-text';

export type DiagnosticsRow = readonly [key: string, label: string, value: string];

const formatTime = (epochMs: number) => new Date(epochMs).toLocaleString();

export function getDiagnosticsRows(s: Snapshot, t: Translate): DiagnosticsRow[] {
  const d = s.diagnostics;
  const none = t('diagNone');
  const messages = d.eventsWithCount + d.eventsWithoutCount;
  return [
    ['workerStarted', t('diagWorkerStarted'), d.workerStartedAt ? formatTime(d.workerStartedAt) : none],
    ...getAccountRows(s, t),
    ['reconnects', t('diagReconnects'), String(d.reconnects)],
    ['events', t('diagEvents'), String(d.eventsReceived)],
    [
      'heartbeats',
      t('diagHeartbeats'),
      d.lastHeartbeatAt ? t('diagLastAt', [String(d.heartbeats), formatTime(d.lastHeartbeatAt)]) : String(d.heartbeats),
    ],
    ['eventIds', t('diagEventIds'), t('diagOf', [String(d.eventsWithId), String(messages)])],
    ['countsInEvents', t('diagCountsInEvents'), `${d.eventsWithCount} / ${d.eventsWithoutCount}`],
    ['readEvents', t('diagReadEvents'), String(d.readEvents)],
    ['resyncs', t('diagResyncs'), String(d.resyncs)],
    ['ignored', t('diagIgnored'), `${d.malformedEvents} / ${d.unknownTypes} / ${d.oversizedEvents}`],
    ['rejected', t('diagRejected'), `${d.rejectedEventIds} / ${d.rejectedRequests} / ${d.refusedItems}`],
    ['unhandled', t('diagUnhandled'), String(d.unhandledErrors)],
    ['storage', t('diagStorage'), d.storageFailure ? formatStorageFailure(d.storageFailure, t) : none],
  ];
}

/**
 * Each account's state, Last-Event-ID and last error; with several accounts each label names its account (and each
 * key carries its id). Not set up: the state row says so.
 */
function getAccountRows(s: Snapshot, t: Translate): DiagnosticsRow[] {
  const none = t('diagNone');
  if (s.accounts.length === 0) return [['state', t('diagState'), getStatusLabel('unconfigured', t)]];
  const named = s.accounts.length > 1;
  return s.accounts.flatMap((account) => {
    const key = (name: string) => (named ? `${name}-${account.id}` : name);
    const label = (text: string) => (named ? `${text} (${getAccountName(account)})` : text);
    const { connection } = account;
    const rows: DiagnosticsRow[] = [
      [
        key('state'),
        label(t('diagState')),
        getStatusLabel(connection.status, t) + (connection.reason ? ` — ${formatReason(connection.reason, t)}` : ''),
      ],
      [key('lastEventId'), label(t('diagLastEventId')), account.lastEventId ?? none],
      [key('lastError'), label(t('diagLastError')), account.lastError ? formatReason(account.lastError, t) : none],
    ];
    return rows;
  });
}

/** The rows, and the last connection test's steps when there is one, as plain text to paste into a bug report. */
export function formatDiagnosticsReport(rows: DiagnosticsRow[], tests: TestStepResult[], t: Translate): string {
  const lines = rows.map(([, label, value]) => `${label}: ${value}`);
  if (tests.length > 0) lines.push('', `${t('diagTestTitle')}:`, ...tests.map((step) => formatTestStep(step, t)));
  return lines.join('\n');
}

function formatStorageFailure({ code, at, healed }: StorageFailure, t: Translate): string {
  const what = t(code === 'quota' ? 'diagStorageQuota' : 'diagStorageWriteFailed');
  return `${what} — ${formatTime(at)} — ${t(healed ? 'diagStorageHealed' : 'diagStorageNotSaved')}`;
}
