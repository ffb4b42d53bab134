import { describe, expect, it } from 'vitest';
import { isSignInCookie, needsSetupOnInstall } from '@/utils/background/browser-event-rules';
import { createSnoozeKeeper, SNOOZE_ALARM } from '@/utils/notifications/snooze-schedule';
import { DEFAULT_SETTINGS, type Settings } from '@/utils/settings/settings';
import type { Snooze } from '@/utils/settings/snooze';

const cookieAccount: Settings = {
  ...DEFAULT_SETTINGS,
  serverUrl: 'https://notify.example.com/api',
  authMethod: 'cookie',
};

describe('a cookie that signs a signed-out account in again', () => {
  it.each([
    ['set for the server, signed out, browser-session sign-in', {}, true],
    ['set for a parent domain of the server', { cookieDomain: '.example.com' }, true],
    ['removed (signing out there)', { removed: true }, false],
    ['for another site', { cookieDomain: 'evil.test' }, false],
    ['while live', { status: 'live' as const }, false],
    ['for a token sign-in', { settings: { ...cookieAccount, authMethod: 'token' as const } }, false],
  ])('%s: %s', (_name, change, expected) => {
    const {
      removed = false,
      cookieDomain = 'notify.example.com',
      status = 'signed-out' as const,
    } = change as {
      removed?: boolean;
      cookieDomain?: string;
      status?: 'signed-out' | 'live';
    };
    const settings = (change as { settings?: Settings }).settings ?? cookieAccount;
    expect(isSignInCookie({ removed, cookieDomain }, status, settings)).toBe(expected);
  });
});

describe('first install', () => {
  it.each([
    ['install, no account: the options page', 'install', [], true],
    ['install, an account without a server: the options page', 'install', [DEFAULT_SETTINGS], true],
    ['install, an account set up by policy: nothing', 'install', [DEFAULT_SETTINGS, cookieAccount], false],
    ['an update, nothing set up: nothing', 'update', [], false],
  ])('%s', (_name, reason, accounts, expected) => {
    expect(needsSetupOnInstall(reason, accounts)).toBe(expected);
  });
});

describe('the snooze keeper', () => {
  const NOW = Date.parse('2026-12-05T10:00:00Z');
  function keeper(stored: Snooze | null) {
    const alarms = new Map<string, number>();
    const reported: Array<Snooze | null> = [];
    let saved: Snooze | null | undefined;
    const keep = createSnoozeKeeper({
      alarms: {
        create: (name, { when }) => void alarms.set(name, when),
        clear: (name) => alarms.delete(name),
      },
      load: async () => stored,
      save: async (value) => void (saved = value),
      clock: { now: () => NOW, setTimeout: () => 0, clearTimeout: () => {} },
      onChange: (value) => void reported.push(value),
    });
    return { keep, alarms, reported, saved: () => saved };
  }

  it('a snooze in force is reported and ends by an alarm at its end', async () => {
    const { keep, alarms, reported, saved } = keeper({ until: NOW + 60_000 });
    await keep.refresh();
    expect(reported).toEqual([{ until: NOW + 60_000 }]);
    expect(alarms.get(SNOOZE_ALARM)).toBe(NOW + 60_000);
    expect(saved()).toBeUndefined();
  });

  it('a snooze that ended while nothing ran is cleared in storage and reported as none', async () => {
    const { keep, alarms, reported, saved } = keeper({ until: NOW - 1 });
    await keep.refresh();
    expect(reported).toEqual([null]);
    expect(saved()).toBeNull();
    expect(alarms.has(SNOOZE_ALARM)).toBe(false);
  });

  it('a value storage just reported is used without reading again', async () => {
    const { keep, reported } = keeper(null);
    await keep.refresh({ until: null });
    expect(reported).toEqual([{ until: null }]);
  });
});
