/**
 * Local times of day written "HH:MM" (24-hour), as `<input type="time">` gives them: the one rule for the options
 * page's validation, quiet hours and the end of "snooze until tomorrow".
 */

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Hours and minutes of a well-formed "HH:MM", else null. */
export function parseTimeOfDay(text: unknown): { hours: number; minutes: number } | null {
  const match = typeof text === 'string' ? TIME_OF_DAY.exec(text) : null;
  return match ? { hours: Number(match[1]), minutes: Number(match[2]) } : null;
}

export const isTimeOfDay = (text: unknown): text is string => parseTimeOfDay(text) !== null;

/** Minutes since midnight of a well-formed "HH:MM" (0–1439), else null. */
export function getMinutesOfDay(text: unknown): number | null {
  const time = parseTimeOfDay(text);
  return time ? time.hours * 60 + time.minutes : null;
}
