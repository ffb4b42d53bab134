/** Runs the real background entrypoint against fakeBrowser and a scriptable server (tests/unit/background*.test.ts). */
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CATEGORIES } from '@/utils/protocol/categories';
import { FakeFetch, jsonResponse } from './fake-fetch';

export const SERVER = 'http://127.0.0.1:8787';

/**
 * Loads the entrypoint afresh (its messaging listeners are per module instance) and runs its main(). The server
 * answers 4 unread likes and nothing else.
 */
export async function startBackground(openOptionsPage: () => Promise<void> = async () => {}): Promise<FakeFetch> {
  const server = new FakeFetch();
  server.route('/notification/me', jsonResponse(200, { username: 'alice', role: 'user' }));
  for (const category of CATEGORIES) {
    server.route(
      `/notification/${category}`,
      jsonResponse(200, { data: [], unread_count: category === 'likes' ? 4 : 0 }),
    );
  }
  vi.stubGlobal('fetch', server.fetch);
  // @webext-core/messaging talks to `chrome.runtime`: with no popup open, Chrome answers a send with this error.
  const runtime: Record<string, unknown> = {
    ...fakeBrowser.runtime,
    sendMessage(_message: unknown, callback: (response: unknown) => void) {
      runtime.lastError = { message: 'Could not establish connection. Receiving end does not exist.' };
      callback(undefined);
      delete runtime.lastError;
    },
  };
  vi.stubGlobal('chrome', { ...fakeBrowser, runtime });
  // APIs fakeBrowser does not implement.
  Object.assign(fakeBrowser, {
    permissions: { contains: async () => true, onAdded: { addListener() {} } },
    cookies: { onChanged: { addListener() {} } },
  });
  Object.assign(fakeBrowser.runtime, { getPlatformInfo: async () => ({ os: 'linux' }), openOptionsPage });
  Object.assign(fakeBrowser.action, { setIcon: async () => {} });
  vi.resetModules();
  const { default: background } = await import('@/entrypoints/background');
  background.main();
  return server;
}

export const badgeText = () => fakeBrowser.action.getBadgeText({});
