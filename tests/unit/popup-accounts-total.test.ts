/**
 * The popup's "N unread" with several accounts is the badge's number (docs/architecture.md, "Badge"): a signed-out
 * account's last counts are not the server's any more, so they are in neither. Found by the two-server e2e
 * (tests/e2e/accounts-scenario.ts): the badge said "4!" while the popup said "6 unread".
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getBadgeText } from '@/utils/badge/badge';
import { accountsWith, mountPopup, snapshotWith } from '../helpers/popup-fixture';

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const signedOut = {
  status: 'signed-out' as const,
  retryAt: null,
  reason: { code: 'http' as const, status: 401, detail: 'expired' },
};

describe('popup total with several accounts', () => {
  it('leaves out a signed-out account’s last counts, as the badge does', async () => {
    const snapshot = accountsWith(
      [{ id: 'work', label: 'Work', accountKey: 'https://a.test|token|' }, { likes: 4 }],
      [{ id: 'lab', label: 'Lab', accountKey: 'https://c.test|token|', connection: signedOut }, { likes: 2 }],
    );
    const popup = await mountPopup(snapshot);
    expect(getBadgeText(snapshot)).toBe('4!');
    expect(popup.wrapper.get('[data-test=total]').text()).toBe('4 unread');
  });

  it('one account signed out keeps its last total, as it always did', async () => {
    const popup = await mountPopup(snapshotWith({ connection: signedOut }, { likes: 2 }));
    expect(popup.wrapper.get('[data-test=total]').text()).toBe('2 unread');
  });
});
