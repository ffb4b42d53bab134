/**
 * The popup's Pinia store: a mirror of the background's snapshot (every account), plus the user's actions on it, each
 * on one account. With several accounts each one's section is collapsed to a line until the user opens it.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { describeError } from '../lib/errors';
import type { PopupClient } from '../messaging/popup-client';
import type { MarkReadTarget } from '../messaging/protocol-map';
import { CATEGORIES, type Category } from '../protocol/categories';
import type { OpenTarget } from '../settings/app-url';
import { getGrandTotal, type AccountSnapshot, type Snapshot } from '../snapshot/snapshot';

/** How long a row stays highlighted after its count rose (the web app showed a 3-second banner). */
export const HIGHLIGHT_MS = 3000;

/** A mark read in flight: on which account, and what. */
export interface MarkingRead {
  account: string;
  target: MarkReadTarget;
}

export const usePopupStore = defineStore('popup', () => {
  const snapshot = shallowRef<Snapshot | null>(null);
  /** Categories whose count just rose, by account id. */
  const highlighted = ref<Record<string, Category[]>>({});
  /** The mark-read request in flight, if any. */
  const markingRead = ref<MarkingRead | null>(null);
  /** Any other action in flight (Retry now, opening a page). */
  const busy = ref(false);
  /** The last action that failed, and on which account (its section shows it). */
  const actionError = ref<{ account: string | null; reason: string } | null>(null);
  /** The sections the user opened (several accounts; one account is always open). */
  const expanded = ref<string[]>([]);
  let client: PopupClient | null = null;
  const highlightTimers = new Map<string, ReturnType<typeof setTimeout>>();

  const accounts = computed<AccountSnapshot[]>(() => snapshot.value?.accounts ?? []);
  /** Nothing set up: the popup invites to set up. (No snapshot yet is not that: the popup waits.) */
  const unconfigured = computed(() => snapshot.value !== null && accounts.value.length === 0);
  /** Several accounts: one section each, collapsed to one line until opened. */
  const several = computed(() => accounts.value.length > 1);
  const total = computed(() => (snapshot.value ? getGrandTotal(snapshot.value) : 0));

  const getAccount = (id: string) => accounts.value.find((account) => account.id === id) ?? null;
  const isExpanded = (id: string) => !several.value || expanded.value.includes(id);
  const isHighlighted = (id: string, category: Category) => highlighted.value[id]?.includes(category) ?? false;

  /** Nothing to show yet for this account: never synced with it. */
  function isFirstLoad(account: AccountSnapshot): boolean {
    const { status } = account.connection;
    return !account.countsKnown && status !== 'unconfigured' && status !== 'signed-out';
  }

  function apply(next: Snapshot): void {
    const previous = snapshot.value;
    for (const account of next.accounts) {
      const before = previous?.accounts.find(({ id }) => id === account.id);
      if (before?.accountKey !== account.accountKey) continue;
      for (const category of CATEGORIES) {
        if (account.counts[category] > before.counts[category]) highlight(account.id, category);
      }
    }
    snapshot.value = next;
  }

  function highlight(account: string, category: Category): void {
    const shown = highlighted.value[account] ?? [];
    if (!shown.includes(category)) highlighted.value = { ...highlighted.value, [account]: [...shown, category] };
    const key = `${account}\n${category}`;
    clearTimeout(highlightTimers.get(key));
    highlightTimers.set(
      key,
      setTimeout(() => {
        const rest = (highlighted.value[account] ?? []).filter((c) => c !== category);
        highlighted.value = { ...highlighted.value, [account]: rest };
        highlightTimers.delete(key);
      }, HIGHLIGHT_MS),
    );
  }

  function toggleSection(account: string): void {
    expanded.value = expanded.value.includes(account)
      ? expanded.value.filter((id) => id !== account)
      : [...expanded.value, account];
  }

  /** Shows `initial` (the persisted snapshot) at once, then the background's, then follows its pushes. */
  async function connect(popupClient: PopupClient, initial: Snapshot | null): Promise<() => void> {
    client = popupClient;
    if (initial) snapshot.value = initial;
    const unsubscribe = popupClient.onSnapshotChanged(apply);
    try {
      apply(await popupClient.getSnapshot());
    } catch (error) {
      actionError.value = { account: null, reason: describeError(error) };
    }
    return unsubscribe;
  }

  async function run(account: string | null, action: (client: PopupClient) => Promise<void>): Promise<void> {
    if (!client) return;
    actionError.value = null;
    try {
      await action(client);
    } catch (error) {
      actionError.value = { account, reason: describeError(error) };
    }
  }

  async function markRead(account: string, target: MarkReadTarget): Promise<void> {
    markingRead.value = { account, target };
    await run(account, (c) => c.markRead(account, target));
    markingRead.value = null;
  }

  async function retry(account: string): Promise<void> {
    busy.value = true;
    await run(account, (c) => c.reconnect(account));
    busy.value = false;
  }

  /** Every page the popup opens goes through the background's URL rule, with that account's settings. */
  const open = (account: string, target: OpenTarget) => run(account, (c) => c.open(account, target));
  const openApp = (account: string, category: Category | null = null) => open(account, { kind: 'category', category });
  const openSettings = () => run(null, (c) => c.openSettings());

  return {
    snapshot,
    highlighted,
    markingRead,
    busy,
    actionError,
    expanded,
    accounts,
    unconfigured,
    several,
    total,
    getAccount,
    isExpanded,
    isHighlighted,
    isFirstLoad,
    toggleSection,
    connect,
    apply,
    markRead,
    retry,
    open,
    openApp,
    openSettings,
  };
});
