/** "Snoozed until …" for the popup and the tooltip, and the snooze menu's entries. */
import type { Snooze, SnoozeMinutes, SnoozePreset, SnoozePresets } from '../settings/snooze';
import type { MessageKey, Translate } from './message-key';

/** The snooze as one line; `formatTime` gives the end in the user's language (day and time). */
export function formatSnooze(snooze: Snooze, t: Translate, formatTime: (epochMs: number) => string): string {
  return snooze.until === null ? t('snoozedUntilResumed') : t('snoozedUntil', formatTime(snooze.until));
}

/** The end of a snooze: the time today, else the weekday and time. */
export function formatSnoozeEnd(epochMs: number, now: number, locale?: string): string {
  const sameDay = new Date(epochMs).toDateString() === new Date(now).toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : { weekday: 'short', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale, options).format(epochMs);
}

const MINUTES_KEYS: Record<SnoozeMinutes, MessageKey> = {
  30: 'snoozeMinutes30',
  60: 'snoozeMinutes60',
  120: 'snoozeMinutes120',
  240: 'snoozeMinutes240',
};

/** A short snooze's length: "30 minutes", "2 hours". */
export function formatSnoozeMinutes(minutes: SnoozeMinutes, t: Translate): string {
  return t(MINUTES_KEYS[minutes]);
}

/** A snooze menu entry with the user's presets: "For 2 hours", "Until tomorrow 07:30". */
export function getSnoozePresetLabel(preset: SnoozePreset, presets: SnoozePresets, t: Translate): string {
  if (preset === 'short') return t('snoozeFor', formatSnoozeMinutes(presets.minutes, t));
  if (preset === 'tomorrow') return t('snoozeTomorrow', presets.tomorrowAt);
  return t('snoozeResume');
}
