/** Builds a BackgroundCore with recording effects, for unit and integration tests. */
import { getBadgeText } from '@/utils/badge/badge';
import { BackgroundCore, type BackgroundCoreDeps } from '@/utils/background/background-core';
import type { ArrivedNotice } from '@/utils/notifications/notification-plan';
import { getAccountKey } from '@/utils/settings/account-key';
import { MIGRATED_ACCOUNT_ID, type AccountSettings } from '@/utils/settings/accounts';
import { DEFAULT_SETTINGS, type Settings } from '@/utils/settings/settings';
import { getEmptySnapshot, type Snapshot } from '@/utils/snapshot/snapshot';
import { CATEGORIES, type Category } from '@/utils/protocol/categories';
import { flat, type FlatSnapshot } from './account-snapshot';
import { FakeFetch, jsonResponse } from './fake-fetch';

export interface Harness {
  core: BackgroundCore;
  /** Badge text after every render, in order. */
  badges: string[];
  badge(): string;
  /** The first account's view (and the diagnostics): what tests of one account look at. */
  snapshot(): FlatSnapshot;
  /** Applies one account's settings as the background's loader gives them (none when its server URL is unusable). */
  apply(settings: Settings | AccountSettings[]): Promise<void>;
  /** The whole snapshot, every account. */
  full(): Snapshot;
  saved: Snapshot[];
  notices: ArrivedNotice[];
  /** The settings each notice was announced with (what the notifier plans with). */
  noticeSettings: AccountSettings[];
  /** Whether each notice's notification would name its account (several accounts). */
  noticeNamed: boolean[];
  signIns: number;
  /** The account of each sign-in notification. */
  signInAccounts: string[];
  /** Accounts whose notifications were cleared (removed, or their key changed). */
  clearedAccounts: string[];
  keepAlives: number;
  logs: string[];
}

/** One account's settings ('main', the migrated account, unless overridden). */
export function makeSettings(overrides: Partial<AccountSettings> = {}): AccountSettings {
  return {
    ...DEFAULT_SETTINGS,
    id: MIGRATED_ACCOUNT_ID,
    label: '',
    serverUrl: 'https://notify.test/api',
    authMethod: 'token',
    token: 'secret-token-xyz',
    ...overrides,
  };
}

/** What the background's loader gives: the accounts whose server URL is usable, in order. */
function getAccounts(settings: Settings | AccountSettings[]): AccountSettings[] {
  const accounts = Array.isArray(settings) ? settings : [{ id: MIGRATED_ACCOUNT_ID, label: '', ...settings }];
  return accounts.filter((account) => getAccountKey(account) !== null);
}

export function createHarness(
  fetchFn: typeof fetch,
  settings: Settings | AccountSettings[],
  persisted: unknown = getEmptySnapshot(),
  overrides: Partial<BackgroundCoreDeps> = {},
): Harness {
  const harness = {
    badges: [] as string[],
    saved: [] as Snapshot[],
    notices: [] as ArrivedNotice[],
    noticeSettings: [] as AccountSettings[],
    noticeNamed: [] as boolean[],
    signIns: 0,
    signInAccounts: [] as string[],
    clearedAccounts: [] as string[],
    keepAlives: 0,
    logs: [] as string[],
  } as Harness;
  harness.core = new BackgroundCore({
    fetch: fetchFn,
    loadAccounts: async () => getAccounts(settings),
    loadSnapshot: async () => structuredClone(persisted),
    saveSnapshot: async (snapshot) => void harness.saved.push(structuredClone(snapshot)),
    render: async (snapshot) => void harness.badges.push(getBadgeText(snapshot)),
    publish: () => {},
    notifications: {
      add: (notice, announcedWith, named) => {
        harness.notices.push(notice);
        harness.noticeSettings.push(announcedWith);
        harness.noticeNamed.push(named);
      },
      showSignIn: (account) => {
        harness.signIns++;
        harness.signInAccounts.push(account.id);
      },
      clearAll: () => void (harness.notices = []),
      clearAccount: (account) => void harness.clearedAccounts.push(account),
    },
    keepAlive: () => void harness.keepAlives++,
    log: {
      info: (message) => void harness.logs.push(`info: ${message}`),
      warn: (message) => void harness.logs.push(`warn: ${message}`),
      error: (message) => void harness.logs.push(`error: ${message}`),
    },
    persistDelayMs: 10,
    ...overrides,
  });
  harness.badge = () => harness.badges.at(-1) ?? '';
  harness.snapshot = () => flat(harness.core.getSnapshot());
  harness.full = () => harness.core.getSnapshot();
  harness.apply = (next) => harness.core.applyAccounts(getAccounts(next));
  return harness;
}

/** A fake server whose counts the test controls; answers `limit=1` lists like the protocol says. */
export function fakeServer(role = 'user') {
  const server = new FakeFetch();
  const counts: Record<Category, number> = { likes: 0, stars: 0, comments: 0, system: 0, manager: 0, report_email: 0 };
  server.route('/notification/me', () => jsonResponse(200, { username: 'alice', role }));
  for (const category of CATEGORIES) {
    server.route(`/notification/${category}`, () =>
      jsonResponse(200, {
        data: [{ id: `${category}-latest`, title: `latest ${category}`, content: 'body', url: null }],
        unread_count: counts[category],
      }),
    );
    server.route(`/notification/${category}/read`, () => {
      counts[category] = 0;
      return new Response(null, { status: 204 });
    });
  }
  return { server, counts };
}
