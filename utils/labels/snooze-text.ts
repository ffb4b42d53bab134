/** "Snoozed until …" for the popup and the tooltip. */
import type { Snooze } from '../settings/snooze';
import type { Translate } from './message-key';

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
