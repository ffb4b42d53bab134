/** A connection-test step's outcome (connection/connection-test.ts) in the user's language. */
import type { TestOutcome } from '../connection/connection-test';
import { getCategoryLabel } from './category-labels';
import type { Translate } from './message-key';
import { formatReason } from './reason-text';

export function formatTestOutcome(outcome: TestOutcome, t: Translate): string {
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
    case 'stream-open':
      return t('testStreamOpen');
    case 'no-endpoints':
      return t('testNoEndpoints', formatReason(outcome.reason, t));
    case 'refused':
      return t('testSignInRefused', formatReason(outcome.reason, t));
    case 'failed':
      return formatReason(outcome.reason, t);
  }
}
