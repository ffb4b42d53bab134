/** The popup's Pinia store: a mirror of the background's snapshot, plus the user's actions on it. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { describeError } from '../lib/errors';
import type { PopupClient } from '../messaging/popup-client';
import type { MarkReadTarget } from '../messaging/protocol-map';
import { CATEGORIES, getVisibleCategories, type Category } from '../protocol/categories';
import type { OpenTarget } from '../settings/app-url';
import { getTotal, type Snapshot } from '../snapshot/snapshot';

/** How long a row stays highlighted after its count rose (the web app showed a 3-second banner). */
export const HIGHLIGHT_MS = 3000;

export const usePopupStore = defineStore('popup', () => {
  const snapshot = shallowRef<Snapshot | null>(null);
  /** Categories whose count just rose. */
  const highlighted = ref<Category[]>([]);
  /** The mark-read request in flight, if any. */
  const markingRead = ref<MarkReadTarget | null>(null);
  /** Any other action in flight (Retry now, opening a page). */
  const busy = ref(false);
  const actionError = ref<string | null>(null);
  let client: PopupClient | null = null;
  const highlightTimers = new Map<Category, ReturnType<typeof setTimeout>>();

  const role = computed(() => snapshot.value?.role ?? null);
  const counts = computed(() => snapshot.value?.counts ?? null);
  const total = computed(() => (snapshot.value ? getTotal(snapshot.value) : 0));
  const visibleCategories = computed(() => getVisibleCategories(role.value));
  const connection = computed(() => snapshot.value?.connection ?? null);
  const latestSystem = computed(() => snapshot.value?.latest.system ?? null);
  const latestManager = computed(() => snapshot.value?.latest.manager ?? null);
  const lastSyncedAt = computed(() => snapshot.value?.lastSyncedAt ?? null);
  const lastEventAt = computed(() => snapshot.value?.lastEventAt ?? null);
  /** Nothing to show yet: no snapshot at all, or never synced with this account. */
  const isFirstLoad = computed(() => {
    const current = snapshot.value;
    if (!current) return true;
    const { status } = current.connection;
    return !current.countsKnown && status !== 'unconfigured' && status !== 'signed-out';
  });

  function apply(next: Snapshot): void {
    const previous = snapshot.value;
    if (previous && previous.accountKey === next.accountKey) {
      for (const category of CATEGORIES) if (next.counts[category] > previous.counts[category]) highlight(category);
    }
    snapshot.value = next;
  }

  function highlight(category: Category): void {
    if (!highlighted.value.includes(category)) highlighted.value = [...highlighted.value, category];
    clearTimeout(highlightTimers.get(category));
    highlightTimers.set(
      category,
      setTimeout(() => {
        highlighted.value = highlighted.value.filter((c) => c !== category);
        highlightTimers.delete(category);
      }, HIGHLIGHT_MS),
    );
  }

  /** Shows `initial` (the persisted snapshot) at once, then the background's, then follows its pushes. */
  async function connect(popupClient: PopupClient, initial: Snapshot | null): Promise<() => void> {
    client = popupClient;
    if (initial) snapshot.value = initial;
    const unsubscribe = popupClient.onSnapshotChanged(apply);
    try {
      apply(await popupClient.getSnapshot());
    } catch (error) {
      actionError.value = describeError(error);
    }
    return unsubscribe;
  }

  async function run(action: (client: PopupClient) => Promise<void>): Promise<void> {
    if (!client) return;
    actionError.value = null;
    try {
      await action(client);
    } catch (error) {
      actionError.value = describeError(error);
    }
  }

  async function markRead(target: MarkReadTarget): Promise<void> {
    markingRead.value = target;
    await run((c) => c.markRead(target));
    markingRead.value = null;
  }

  async function retry(): Promise<void> {
    busy.value = true;
    await run((c) => c.reconnect());
    busy.value = false;
  }

  /** Every page the popup opens goes through the background's URL rule (utils/settings/app-url.ts). */
  const open = (target: OpenTarget) => run((c) => c.open(target));
  const openApp = (category: Category | null = null) => open({ kind: 'category', category });
  const openSettings = () => run((c) => c.openSettings());

  return {
    snapshot,
    highlighted,
    markingRead,
    busy,
    actionError,
    counts,
    total,
    visibleCategories,
    connection,
    latestSystem,
    latestManager,
    lastSyncedAt,
    lastEventAt,
    isFirstLoad,
    connect,
    apply,
    markRead,
    retry,
    open,
    openApp,
    openSettings,
  };
});
