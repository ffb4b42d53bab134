/** The popup's snooze control: the snooze in force, and starting or ending one. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { describeError } from '../lib/errors';
import type { PopupClient } from '../messaging/popup-client';
import { getSnooze, isSnoozed, type Snooze, type SnoozePreset } from '../settings/snooze';
import { usePopupStore } from './popup-store';

export const useSnoozeStore = defineStore('snooze', () => {
  const popup = usePopupStore();
  const snooze = ref<Snooze | null>(null);
  let client: PopupClient | null = null;

  /** Starts from the stored snooze (read with the snapshot, for the first frame) and follows changes. */
  function attach(popupClient: PopupClient, initial: Snooze | null): () => void {
    client = popupClient;
    snooze.value = initial;
    return popupClient.onSnoozeChanged((value) => (snooze.value = value));
  }

  async function set(next: Snooze | null): Promise<void> {
    if (!client) return;
    const previous = snooze.value;
    snooze.value = next;
    try {
      await client.setSnooze(next);
    } catch (error) {
      snooze.value = previous;
      popup.actionError = describeError(error);
    }
  }

  const start = (preset: SnoozePreset) => set(getSnooze(preset, Date.now()));
  const resume = () => set(null);
  /** The snooze still in force at `now`, or null. */
  const activeAt = (now: number) => (isSnoozed(snooze.value, now) ? snooze.value : null);

  return { snooze, attach, start, resume, activeAt };
});
