/**
 * The connection test's steps and findings (connection/test-findings.ts) in the user's language: what was found, what
 * Beacon does about it and, where it helps, the fix on the server's side.
 */
import type { TestOutcome, TestStep, TestStepResult, TestVerdict } from '../connection/test-findings';
import { getCategoryLabel } from './category-labels';
import type { MessageKey, Translate } from './message-key';
import { formatReason } from './reason-text';

const STEP_LABELS = {
  server: 'testStepServer',
  signIn: 'testStepSignIn',
  counts: 'testStepCounts',
  itemIds: 'testStepItemIds',
  httpVersion: 'testStepHttpVersion',
  stream: 'testStepStream',
  heartbeat: 'testStepHeartbeat',
  eventIds: 'testStepEventIds',
  replay: 'testStepReplay',
  countsInEvents: 'testStepCountsInEvents',
  readEvents: 'testStepReadEvents',
} as const satisfies Record<TestStep, MessageKey>;

const VERDICT_LABELS = {
  ok: 'testOk',
  note: 'testNote',
  failed: 'testFailed',
  unknown: 'testUnknown',
  pending: 'testPending',
} as const satisfies Record<TestVerdict, MessageKey>;

export const getTestStepLabel = (step: TestStep, t: Translate) => t(STEP_LABELS[step]);
export const getVerdictLabel = (verdict: TestVerdict, t: Translate) => t(VERDICT_LABELS[verdict]);

/** One line per step, as the page shows it and as "Copy" puts it in a bug report. */
export function formatTestStep({ step, verdict, outcome }: TestStepResult, t: Translate): string {
  return `${getTestStepLabel(step, t)}: ${getVerdictLabel(verdict, t)} — ${formatTestOutcome(outcome, t)}`;
}

export function formatTestOutcome(outcome: TestOutcome, t: Translate): string {
  const n = (value: number) => String(value);
  switch (outcome.kind) {
    case 'reached':
      return t('testReached');
    case 'signed-in':
      return t('testSignedInAs', [outcome.username, outcome.role]);
    case 'counts': {
      const total = outcome.counts.reduce((sum, [, count]) => sum + count, 0);
      const list = outcome.counts.map(([category, count]) => `${getCategoryLabel(category, t)} ${count}`).join(', ');
      return t('testCountsSummary', [String(total), list]);
    }
    case 'item-ids':
      if (outcome.checked === 0) return t('testItemIdsNone');
      if (outcome.refused === 0) return t('testItemIdsUsable', n(outcome.checked));
      return t('testItemIdsRefused', [n(outcome.refused), n(outcome.checked)]);
    case 'http-version':
      if (outcome.protocol === null) return t('testHttpVersionUnknown');
      return /^http\/1/i.test(outcome.protocol)
        ? t('testHttpVersionOne', outcome.protocol)
        : t('testHttpVersion', outcome.protocol);
    case 'stream-open':
      return t('testStreamOpenIn', n(outcome.seconds));
    case 'waiting':
      return t('testWaitingHeartbeat', n(outcome.seconds));
    case 'heartbeat':
      return t(outcome.late ? 'testHeartbeatLate' : 'testHeartbeat', n(outcome.seconds));
    case 'no-heartbeat':
      return t('testNoHeartbeat', n(outcome.seconds));
    case 'buffered':
      return t('testBuffered', n(outcome.seconds));
    case 'event-ids':
      return t('testEventIds', n(outcome.count));
    case 'no-event-ids':
      return t('testNoEventIds', n(outcome.events));
    case 'no-events':
      return t('testNoEvents', n(outcome.seconds));
    case 'counts-in-events':
      return t('testCountsInEvents', n(outcome.events));
    case 'counts-refetched':
      return t('testCountsRefetched', [n(outcome.events), n(outcome.perSecond)]);
    case 'read-events':
      return t('testReadEvents', n(outcome.events));
    case 'read-events-unseen':
      return t('testReadEventsUnseen');
    case 'replays':
      return t('testReplays');
    case 'resync-only':
      return t('testResyncOnly');
    case 'ignores-last-event-id':
      return t('testIgnoresLastEventId');
    case 'replay-unknown':
      return outcome.reason ? `${t('testReplayUnknown')} (${formatReason(outcome.reason, t)})` : t('testReplayUnknown');
    case 'no-endpoints':
      return t('testNoEndpoints', formatReason(outcome.reason, t));
    case 'refused':
      return t('testSignInRefused', formatReason(outcome.reason, t));
    case 'failed':
      return formatReason(outcome.reason, t);
  }
}
