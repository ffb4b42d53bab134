/** The popup live region's sentences (utils/labels/announcement.ts): one account as it always was, several by name. */
import { describe, expect, it } from 'vitest';
import { getAnnouncement, type AnnouncedAccount, type AnnouncedState } from '@/utils/labels/announcement';
import { getMessage, useLocale } from '../setup';
import type { MessageKey } from '@/utils/labels/message-key';

const t = (key: MessageKey, substitutions?: string | string[]) => getMessage(key, substitutions);
const state = (accounts: AnnouncedAccount[] | null): AnnouncedState => ({
  accounts,
  marking: false,
  markFailed: false,
  snoozed: null,
});
const staging = (status: AnnouncedAccount['status']): AnnouncedAccount => ({ id: 'st', name: 'Staging', status });
const prod = (status: AnnouncedAccount['status']): AnnouncedAccount => ({ id: 'pr', name: 'prod.test', status });

describe('live region announcements', () => {
  it('one account: its new state alone, unnamed, as before several accounts existed', () => {
    expect(getAnnouncement(state([prod('live')]), state([prod('reconnecting')]), t)).toBe('Reconnecting');
    expect(getAnnouncement(state([prod('live')]), state([prod('live')]), t)).toBeNull();
    // Set up while the popup is open: the one entry changes id ('' → the account's) and is still said.
    const none = { id: '', name: '', status: 'unconfigured' as const };
    expect(getAnnouncement(state([none]), state([prod('connecting')]), t)).toBe('Connecting…');
    expect(getAnnouncement(state(null), state([prod('live')]), t)).toBeNull(); // the first state is not news
  });

  it('several accounts: each change by name in order, nothing for an unchanged or just-added account', () => {
    expect(
      getAnnouncement(state([staging('live'), prod('live')]), state([staging('signed-out'), prod('live')]), t),
    ).toBe('Staging: Signed out');
    expect(getAnnouncement(state([staging('live'), prod('live')]), state([staging('error'), prod('stopped')]), t)).toBe(
      'Staging: Server error; prod.test: Stopped',
    );
    expect(getAnnouncement(state([staging('live')]), state([staging('live'), prod('error')]), t)).toBeNull();
  });

  it('says it in the UI language (zh_CN: full-width colon and separator)', () => {
    useLocale('zh_CN');
    const said = getAnnouncement(state([staging('live'), prod('live')]), state([staging('stopped'), prod('error')]), t);
    expect(said).toBe(`Staging：${t('statusStopped')}；prod.test：${t('statusError')}`);
  });
});
