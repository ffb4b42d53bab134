/**
 * One rule for a time of day, "HH:MM" (24-hour, as `<input type="time">` gives it), and every caller held to it: the
 * options page's validation, quiet hours, and the end of "snooze until tomorrow".
 */
import { describe, expect, it } from 'vitest';
import { getMinutesOfDay, isTimeOfDay, parseTimeOfDay } from '@/utils/lib/time-of-day';
import { isQuietTime } from '@/utils/notifications/notification-plan';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';
import { validateSettings } from '@/utils/settings/settings-validation';
import { DEFAULT_SNOOZE_PRESETS, getSnooze } from '@/utils/settings/snooze';

const TIMES: Array<[text: unknown, minutes: number | null, why: string]> = [
  ['00:00', 0, 'midnight'],
  ['07:30', 7 * 60 + 30, 'a morning time'],
  ['12:05', 12 * 60 + 5, 'minutes with a leading zero'],
  ['23:59', 23 * 60 + 59, 'the last minute'],
  ['24:00', null, 'the end of the day is not a time of day'],
  ['7:30', null, 'one digit for the hour'],
  ['12:75', null, '75 minutes (a looser parser took it as 13:15)'],
  ['12:5', null, 'one digit for the minutes'],
  ['12:05:00', null, 'seconds'],
  [' 07:30', null, 'a space before'],
  ['07:30\n', null, 'a line break after'],
  ['07h30', null, 'another separator'],
  ['０７:３０', null, 'full-width digits'],
  ['-1:00', null, 'a negative hour'],
  ['', null, 'empty'],
  [450, null, 'a number'],
  [null, null, 'null'],
  [undefined, null, 'absent'],
];

const MINUTES_OF_A_DAY = Array.from({ length: 24 * 60 }, (_, minute) => new Date(2026, 0, 15, 0, minute));
/** Every quarter of an hour: where a looser parser would have been quiet (7:30, "12:75" as 13:15), cheaply. */
const QUARTERS_OF_A_DAY = MINUTES_OF_A_DAY.filter((date) => date.getMinutes() % 15 === 0);
const quietAt = (from: unknown, to: unknown, date: Date) =>
  isQuietTime({ enabled: true, from: from as string, to: to as string }, date);

describe('a time of day', () => {
  it.each(TIMES)('%j → %s minutes (%s)', (text, minutes) => {
    expect(getMinutesOfDay(text)).toBe(minutes);
    expect(isTimeOfDay(text)).toBe(minutes !== null);
    expect(parseTimeOfDay(text)).toEqual(
      minutes === null ? null : { hours: Math.floor(minutes / 60), minutes: minutes % 60 },
    );
  });

  it.each(TIMES)('%j is accepted by the options page only when valid', (text, minutes) => {
    const quietHours = { enabled: true, from: text as string, to: '07:00' };
    const errors = validateSettings({ ...DEFAULT_SETTINGS, serverUrl: 'https://x.test', token: 't', quietHours });
    expect(errors.quietFrom).toBe(minutes === null ? 'errorTimeInvalid' : undefined);
  });

  it.each(TIMES)('%j starts and ends quiet hours only when valid (else never quiet)', (text, minutes) => {
    if (minutes === null) {
      const quietMinutes = QUARTERS_OF_A_DAY.filter(
        (date) => quietAt(text, '00:00', date) || quietAt('00:00', text, date),
      );
      expect(quietMinutes).toEqual([]);
      return;
    }
    const at = MINUTES_OF_A_DAY[minutes]!;
    const other = minutes === 0 ? '12:00' : '00:00';
    expect(quietAt(text, other, at)).toBe(true);
    expect(quietAt(other, text, at)).toBe(false); // the end is not quiet any more
  });

  it.each(TIMES)('%j ends "snooze until tomorrow" only when valid (else at the default time)', (text, minutes) => {
    const now = new Date(2026, 0, 15, 21, 0).getTime();
    const { until } = getSnooze('tomorrow', now, { ...DEFAULT_SNOOZE_PRESETS, tomorrowAt: text as string });
    const end = new Date(until!);
    expect(end.getDate()).toBe(16);
    expect(end.getHours() * 60 + end.getMinutes()).toBe(minutes ?? getMinutesOfDay(DEFAULT_SNOOZE_PRESETS.tomorrowAt));
  });
});
