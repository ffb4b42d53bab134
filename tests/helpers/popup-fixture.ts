/** The popup mounted with Pinia against a fake background client: what the popup's component tests share. */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { vi } from 'vitest';
import App from '@/entrypoints/popup/App.vue';
import type { PopupClient } from '@/utils/messaging/popup-client';
import type { InboxCache, ItemPage } from '@/utils/snapshot/inbox-item';
import type { CategoryCounts } from '@/utils/protocol/categories';
import type { Snapshot } from '@/utils/snapshot/snapshot';
import { oneAccount, type FlatSnapshot } from './account-snapshot';
import type { Snooze, SnoozePresets } from '@/utils/settings/snooze';
import { useInboxStore } from '@/utils/stores/inbox-store';
import { useSnoozeStore } from '@/utils/stores/snooze-store';
import { usePopupStore } from '@/utils/stores/popup-store';

/**
 * A snapshot of one account ('main', live, role user, synced a minute ago), changed as given: what the single-account
 * popup showed, and still shows. The change may carry `diagnostics`.
 */
export function snapshotWith(change: Partial<FlatSnapshot> = {}, counts: Partial<CategoryCounts> = {}): Snapshot {
  const snapshot = oneAccount({
    accountKey: 'https://notify.test|token|',
    countsKnown: true,
    role: 'user',
    lastSyncedAt: Date.now() - 60_000,
    connection: { status: 'live', retryAt: null, reason: null },
    ...change,
  });
  const account = snapshot.accounts[0]!;
  account.counts = { ...account.counts, ...counts };
  return snapshot;
}

/** A snapshot of several accounts, each made as snapshotWith makes one (give each its `id`, `label`, `serverUrl`). */
export function accountsWith(...accounts: Array<[change: Partial<FlatSnapshot>, counts?: Partial<CategoryCounts>]>) {
  const snapshot = snapshotWith();
  snapshot.accounts = accounts.map(([change, counts]) => snapshotWith(change, counts).accounts[0]!);
  return snapshot;
}

function fakeClient(snapshot: Snapshot) {
  let push: (snapshot: Snapshot) => void = () => {};
  let pushPresets: (presets: SnoozePresets) => void = () => {};
  const client: PopupClient & { push(s: Snapshot): void; pushSnoozePresets(p: SnoozePresets): void } = {
    getSnapshot: vi.fn(async () => snapshot),
    markRead: vi.fn(async () => {}),
    reconnect: vi.fn(async () => {}),
    getItems: vi.fn(async (): Promise<ItemPage> => ({ items: [], page: 1, hasMore: false })),
    markItemsRead: vi.fn(async () => {}),
    saveInboxCache: vi.fn(async () => {}),
    setSnooze: vi.fn(async () => {}),
    onSnoozeChanged: () => () => {},
    onSnoozePresetsChanged: (callback) => {
      pushPresets = callback;
      return () => {};
    },
    onSnapshotChanged: (callback) => {
      push = callback;
      return () => {};
    },
    open: vi.fn(async () => {}),
    openSettings: vi.fn(async () => {}),
    push: (s) => push(s),
    pushSnoozePresets: (presets) => pushPresets(presets),
  };
  return client;
}

export type FakeClient = ReturnType<typeof fakeClient>;

/** Mounts the popup as main.ts does: the persisted snapshot first, then the background's; `setup` runs before. */
export async function mountPopup(
  snapshot: Snapshot,
  initial: Snapshot | null = snapshot,
  options: {
    cache?: InboxCache | null;
    snooze?: Snooze | null;
    snoozePresets?: SnoozePresets;
    setup?: (client: FakeClient) => void;
  } = {},
) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const client = fakeClient(snapshot);
  options.setup?.(client);
  const store = usePopupStore();
  const ready = store.connect(client, initial);
  useInboxStore().attach(client, options.cache ?? null);
  useSnoozeStore().attach(client, options.snooze ?? null, options.snoozePresets);
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await ready;
  await flushPromises();
  return { wrapper, client, store };
}

export type Mounted = Awaited<ReturnType<typeof mountPopup>>;
