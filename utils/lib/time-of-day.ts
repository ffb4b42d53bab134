/** Local times of day written "HH:MM" (24-hour), as `<input type="time">` gives them. */

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Hours and minutes of a well-formed "HH:MM", else null. */
export function parseTimeOfDay(text: unknown): { hours: number; minutes: number } | null {
  const match = typeof text === 'string' ? TIME_OF_DAY.exec(text) : null;
  return match ? { hours: Number(match[1]), minutes: Number(match[2]) } : null;
}

export const isTimeOfDay = (text: unknown): text is string => parseTimeOfDay(text) !== null;
