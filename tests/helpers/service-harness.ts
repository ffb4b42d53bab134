/** Builds a BackgroundCore with recording effects, for unit and integration tests. */
import { getBadgeText } from '@/utils/badge/badge';
import { BackgroundCore, type BackgroundCoreDeps } from '@/utils/background/background-core';
import type { ArrivedNotice } from '@/utils/notifications/notification-plan';
import { DEFAULT_SETTINGS, type Settings } from '@/utils/settings/settings';
import { getEmptySnapshot, type Snapshot } from '@/utils/snapshot/snapshot';
import { CATEGORIES, type Category } from '@/utils/protocol/categories';
import { FakeFetch, jsonResponse } from './fake-fetch';

export interface Harness {
  core: BackgroundCore;
  /** Badge text after every render, in order. */
  badges: string[];
  badge(): string;
  snapshot(): Snapshot;
  saved: Snapshot[];
  notices: ArrivedNotice[];
  /** The settings each notice was announced with (what the notifier plans with). */
  noticeSettings: Settings[];
  signIns: number;
  keepAlives: number;
  logs: string[];
}

export function makeSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    ...DEFAULT_SETTINGS,
    serverUrl: 'https://notify.test/api',
    authMethod: 'token',
    token: 'secret-token-xyz',
    ...overrides,
  };
}

export function createHarness(
  fetchFn: typeof fetch,
  settings: Settings,
  persisted: Snapshot = getEmptySnapshot(),
  overrides: Partial<BackgroundCoreDeps> = {},
): Harness {
  const harness = {
    badges: [] as string[],
    saved: [] as Snapshot[],
    notices: [] as ArrivedNotice[],
    noticeSettings: [] as Settings[],
    signIns: 0,
    keepAlives: 0,
    logs: [] as string[],
  } as Harness;
  harness.core = new BackgroundCore({
    fetch: fetchFn,
    loadSettings: async () => settings,
    loadSnapshot: async () => structuredClone(persisted),
    saveSnapshot: async (snapshot) => void harness.saved.push(structuredClone(snapshot)),
    render: async (snapshot) => void harness.badges.push(getBadgeText(snapshot)),
    publish: () => {},
    notifications: {
      add: (notice, announcedWith) => {
        harness.notices.push(notice);
        harness.noticeSettings.push(announcedWith);
      },
      showSignIn: () => void harness.signIns++,
      clearAll: () => void (harness.notices = []),
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
  harness.snapshot = () => harness.core.getSnapshot();
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
