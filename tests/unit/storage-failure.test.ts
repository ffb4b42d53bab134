/**
 * Issue #22 point 4: a snapshot write `storage.local` refuses is not only logged. On a quota error Beacon makes room
 * (drops cached inbox lists, oldest first) and saves again; the failure shows in diagnostics (options page); an
 * unhealable failure is not retried in a loop. Also: items and notices with an unusable id are counted there.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import DiagnosticsPanel from '@/components/DiagnosticsPanel.vue';
import type { InboxCache } from '@/utils/snapshot/inbox-item';
import {
  dropOldestCachedList,
  pruneInboxCache,
  loadInboxCache,
  saveInboxCache,
} from '@/utils/snapshot/inbox-cache-storage';
import { getEmptySnapshot, normalizeSnapshot, type Snapshot } from '@/utils/snapshot/snapshot';
import { jsonResponse } from '../helpers/fake-fetch';
import { createHarness, fakeServer, makeSettings } from '../helpers/service-harness';
import { useLocale } from '../setup';

const NOW = new Date('2026-11-24T12:00:00Z').getTime();
/** What Chrome's `storage.local.set` rejects with when the 10 MB quota is reached. */
const quotaError = () => new Error('QUOTA_BYTES quota exceeded');

beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

/** A storage that refuses writes while it is full; `makeRoom` frees it after `roomsNeeded` calls. */
function fullStorage(roomsNeeded: number, error = quotaError) {
  const storage = { saved: [] as Snapshot[], attempts: 0, roomsMade: 0 };
  return {
    storage,
    saveSnapshot: async (snapshot: Snapshot) => {
      storage.attempts++;
      if (storage.roomsMade < roomsNeeded) throw error();
      storage.saved.push(structuredClone(snapshot));
    },
    makeStorageRoom: async () => {
      if (storage.roomsMade >= 6) return false; // nothing left to drop
      storage.roomsMade++;
      return true;
    },
  };
}

describe('a snapshot write refused by storage', () => {
  it('for quota: cached lists are dropped until the snapshot saves, and diagnostics say so', async () => {
    const { server, counts } = fakeServer();
    counts.likes = 3;
    const { storage, ...deps } = fullStorage(2);
    const h = createHarness(server.fetch, makeSettings(), undefined, deps);
    await h.core.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.badge()).toBe('3');
    expect(storage.roomsMade).toBe(2);
    // The snapshot reached storage, the failure recorded in it for the options page.
    expect(storage.saved.at(-1)!.accounts[0]).toMatchObject({ counts: { likes: 3 } });
    const failure = { code: 'quota', at: NOW + 10, healed: true }; // at the first write, 10 ms after the first change
    expect(storage.saved.at(-1)!.diagnostics.storageFailure).toEqual(failure);
    expect(h.snapshot().diagnostics.storageFailure).toEqual(failure);
  });

  it('that cannot be healed: shown in diagnostics, logged once, and not retried in a loop', async () => {
    const { server, counts } = fakeServer();
    const { storage, ...deps } = fullStorage(Infinity);
    const h = createHarness(server.fetch, makeSettings(), undefined, deps);
    await h.core.start();
    await vi.advanceTimersByTimeAsync(1000);
    const attempts = storage.attempts;
    await vi.advanceTimersByTimeAsync(15_000); // nothing changes (before a heartbeat is late): nothing is written
    expect(storage.attempts).toBe(attempts);
    expect(h.snapshot().diagnostics.storageFailure).toMatchObject({ code: 'quota', healed: false });
    counts.likes = 1;
    const stream = await server.nextStream();
    stream.push('data: {"notice_type":0,"unread_count":1}\n\n');
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.badge()).toBe('1'); // the badge does not depend on storage
    expect(storage.attempts).toBeGreaterThan(attempts); // a change tries again
    expect(h.logs.filter((line) => line.includes('storage'))).toHaveLength(1);
  });

  it('for another reason: recorded, and no cached list is dropped for it', async () => {
    const { server } = fakeServer();
    const { storage, ...deps } = fullStorage(1, () => new Error('IO error: database corrupted'));
    const h = createHarness(server.fetch, makeSettings(), undefined, deps);
    await h.core.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(storage.roomsMade).toBe(0);
    expect(h.snapshot().diagnostics.storageFailure).toEqual({ code: 'write-failed', at: NOW + 10, healed: false });
  });
});

describe('making room in storage.local', () => {
  beforeEach(() => fakeBrowser.reset());

  it('drops the oldest cached list first, whatever its account, then the cache, then says there is nothing left', async () => {
    const list = (loadedAt: number) => ({ items: [], page: 1, hasMore: false, loadedAt });
    const cache: InboxCache = {
      accounts: {
        main: { accountKey: 'k', lists: { comments: list(2), likes: list(1) } },
        work: { accountKey: 'w', lists: { system: list(3) } },
      },
    };
    await saveInboxCache(cache);
    expect(await dropOldestCachedList()).toBe(true);
    const lists = (loaded: InboxCache) =>
      Object.entries(loaded.accounts).map(([id, account]) => [id, Object.keys(account.lists)]);
    expect(lists(await loadInboxCache())).toEqual([
      ['main', ['comments']],
      ['work', ['system']],
    ]);
    expect(await dropOldestCachedList()).toBe(true);
    expect(lists(await loadInboxCache())).toEqual([['work', ['system']]]);
    expect(await dropOldestCachedList()).toBe(true);
    expect(await fakeBrowser.storage.local.get('inboxCache')).toEqual({});
    expect(await dropOldestCachedList()).toBe(false);
  });
});

describe('forgetting an account’s cached lists', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps only the accounts still configured, each with the key it has now; a single-account cache is "main"', async () => {
    const list = { items: [], page: 1, hasMore: false, loadedAt: 1 };
    await fakeBrowser.storage.local.set({ inboxCache: { accountKey: 'k', lists: { likes: list } } });
    await pruneInboxCache([{ id: 'main', accountKey: 'k' }]);
    expect(Object.keys((await loadInboxCache()).accounts)).toEqual(['main']);
    await saveInboxCache({
      accounts: {
        main: { accountKey: 'k', lists: { likes: list } },
        work: { accountKey: 'w', lists: { likes: list } },
        gone: { accountKey: 'g', lists: { likes: list } },
      },
    });
    // 'gone' was removed; 'work' now signs in as someone else (another key).
    await pruneInboxCache([
      { id: 'main', accountKey: 'k' },
      { id: 'work', accountKey: 'w2' },
    ]);
    expect(Object.keys((await loadInboxCache()).accounts)).toEqual(['main']);
    await pruneInboxCache([]);
    expect(await fakeBrowser.storage.local.get('inboxCache')).toEqual({});
  });
});

describe('diagnostics', () => {
  it('items with an unusable id, in pages and in events, are counted', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    await vi.advanceTimersByTimeAsync(0);
    server.route('/notification/comments', () =>
      jsonResponse(200, {
        data: [
          { id: 'i'.repeat(129), title: 'too long' },
          { id: 'n-1', title: 'fine' },
        ],
        unread_count: 2,
      }),
    );
    const page = await h.core.getItems('main', 'comments', 1);
    expect(page.items.map((item) => item.id)).toEqual(['n-1']);
    stream.push(`data: {"notice_type":2,"unread_count":3,"id":"${'x'.repeat(200)}","title":"t"}\n\n`);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.badge()).toBe('3'); // the count of the event still counts
    expect(h.notices.at(-1)).toMatchObject({ category: 'comments', id: null, title: '' });
    expect(h.snapshot().diagnostics.refusedItems).toBe(2);
  });

  it('the options panel shows the last storage failure, in English and Chinese', async () => {
    const snapshot = normalizeSnapshot({
      ...getEmptySnapshot(),
      diagnostics: { ...getEmptySnapshot().diagnostics, storageFailure: { code: 'quota', at: NOW, healed: true } },
    });
    const text = async () => {
      const wrapper = mount(DiagnosticsPanel, { props: { snapshot } });
      await flushPromises();
      return wrapper.get('[data-test=diag-storage]').text();
    };
    const time = new Date(NOW).toLocaleString();
    expect(await text()).toBe(`Storage full — ${time} — saved after dropping cached inbox lists`);
    useLocale('zh_CN');
    expect(await text()).toBe(`存储空间已满 — ${time} — 已删除缓存的收件箱列表后保存`);
  });
});
