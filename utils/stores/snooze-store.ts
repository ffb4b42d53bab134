/** The popup's snooze control: the snooze in force, and starting or ending one. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { describeError } from '../lib/errors';
import type { PopupClient } from '../messaging/popup-client';
import {
  DEFAULT_SNOOZE_PRESETS,
  getSnooze,
  isSnoozed,
  type Snooze,
  type SnoozePreset,
  type SnoozePresets,
} from '../settings/snooze';
import { usePopupStore } from './popup-store';

export const useSnoozeStore = defineStore('snooze', () => {
  const popup = usePopupStore();
  const snooze = ref<Snooze | null>(null);
  /** The user's presets (a synced preference): what the menu offers and names. */
  const presets = ref<SnoozePresets>(DEFAULT_SNOOZE_PRESETS);
  let client: PopupClient | null = null;

  /** Starts from the stored snooze and presets (read with the snapshot, for the first frame) and follows changes. */
  function attach(
    popupClient: PopupClient,
    initial: Snooze | null,
    initialPresets: SnoozePresets = DEFAULT_SNOOZE_PRESETS,
  ): () => void {
    client = popupClient;
    snooze.value = initial;
    presets.value = initialPresets;
    const stopSnooze = popupClient.onSnoozeChanged((value) => (snooze.value = value));
    const stopPresets = popupClient.onSnoozePresetsChanged((value) => (presets.value = value));
    return () => {
      stopSnooze();
      stopPresets();
    };
  }

  async function set(next: Snooze | null): Promise<void> {
    if (!client) return;
    const previous = snooze.value;
    snooze.value = next;
    try {
      await client.setSnooze(next);
    } catch (error) {
      snooze.value = previous;
      popup.actionError = { account: null, reason: describeError(error) };
    }
  }

  const start = (preset: SnoozePreset) => set(getSnooze(preset, Date.now(), presets.value));
  const resume = () => set(null);
  /** The snooze still in force at `now`, or null. */
  const activeAt = (now: number) => (isSnoozed(snooze.value, now) ? snooze.value : null);

  return { snooze, presets, attach, start, resume, activeAt };
});
