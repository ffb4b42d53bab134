/** The popup's Pinia store: a mirror of the background's snapshot, plus the user's actions on it. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { describeError } from '../lib/errors';
import type { BeaconClient } from '../messaging/popup-client';
import type { MarkReadTarget } from '../background/background-core';
import { CATEGORIES, getVisibleCategories, type Category } from '../protocol/categories';
import { getTotal, type Snapshot } from '../snapshot/snapshot';

/** How long a row stays highlighted after its count rose (the web app showed a 3-second banner). */
export const HIGHLIGHT_MS = 3000;

export const useBeaconStore = defineStore('beacon', () => {
  const snapshot = shallowRef<Snapshot | null>(null);
  const risen = ref<Category[]>([]);
  const pending = ref<MarkReadTarget | null>(null);
  const actionError = ref<string | null>(null);
  let client: BeaconClient | null = null;
  const highlightTimers = new Map<Category, ReturnType<typeof setTimeout>>();

  const role = computed(() => snapshot.value?.role ?? null);
  const counts = computed(() => snapshot.value?.counts ?? null);
  const total = computed(() => (snapshot.value ? getTotal(snapshot.value) : 0));
  const visibleCategories = computed(() => getVisibleCategories(role.value));
  const connection = computed(() => snapshot.value?.connection ?? null);
  const latestSystem = computed(() => snapshot.value?.latest.system ?? null);
  const latestManager = computed(() => snapshot.value?.latest.manager ?? null);
  const lastSyncedAt = computed(() => snapshot.value?.lastSyncedAt ?? null);
  const lastError = computed(() => snapshot.value?.lastError ?? null);
  /** Nothing to show yet: no snapshot at all, or never synced with this account. */
  const isFirstLoad = computed(
    () =>
      !snapshot.value ||
      (!snapshot.value.countsKnown &&
        snapshot.value.connection.status !== 'unconfigured' &&
        snapshot.value.connection.status !== 'signed-out'),
  );

  function apply(next: Snapshot): void {
    const previous = snapshot.value;
    if (previous && previous.accountKey === next.accountKey) {
      for (const category of CATEGORIES) if (next.counts[category] > previous.counts[category]) highlight(category);
    }
    snapshot.value = next;
  }

  function highlight(category: Category): void {
    if (!risen.value.includes(category)) risen.value = [...risen.value, category];
    clearTimeout(highlightTimers.get(category));
    highlightTimers.set(
      category,
      setTimeout(() => {
        risen.value = risen.value.filter((c) => c !== category);
        highlightTimers.delete(category);
      }, HIGHLIGHT_MS),
    );
  }

  /** Shows `initial` (the persisted snapshot) at once, then the background's, then follows its pushes. */
  async function connect(beaconClient: BeaconClient, initial: Snapshot | null): Promise<() => void> {
    client = beaconClient;
    if (initial) snapshot.value = initial;
    const unsubscribe = beaconClient.onSnapshotChanged(apply);
    try {
      apply(await beaconClient.getSnapshot());
    } catch (error) {
      actionError.value = describeError(error);
    }
    return unsubscribe;
  }

  async function run(action: () => Promise<void>, target: MarkReadTarget | null = null): Promise<void> {
    if (!client) return;
    pending.value = target;
    actionError.value = null;
    try {
      await action();
    } catch (error) {
      actionError.value = describeError(error);
    } finally {
      pending.value = null;
    }
  }

  const markRead = (target: MarkReadTarget) => run(() => client!.markRead(target), target);
  const retry = () => run(() => client!.reconnect());
  const openApp = (category: Category | null = null) => run(() => client!.openApp(category));
  const openUrl = (url: string) => run(() => client!.openUrl(url));
  const openSettings = () => run(() => client!.openSettings());

  return {
    snapshot,
    risen,
    pending,
    actionError,
    role,
    counts,
    total,
    visibleCategories,
    connection,
    latestSystem,
    latestManager,
    lastSyncedAt,
    lastError,
    isFirstLoad,
    connect,
    apply,
    markRead,
    retry,
    openApp,
    openUrl,
    openSettings,
  };
});
