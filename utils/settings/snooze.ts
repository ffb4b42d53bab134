/** Snooze: no OS notifications until a time (or until the user turns them back on); the badge keeps counting. */

/** What the popup offers: one hour, until tomorrow 08:00, or until turned back on. */
export const SNOOZE_PRESETS = ['hour', 'tomorrow', 'resume'] as const;
export type SnoozePreset = (typeof SNOOZE_PRESETS)[number];

/** A snooze in force; `until` null means until the user turns notifications back on. */
export interface Snooze {
  until: number | null;
}

/** The hour "until tomorrow" ends at, local time. */
const TOMORROW_HOUR = 8;
const HOUR_MS = 60 * 60 * 1000;

/** The snooze a preset starts now. */
export function getSnooze(preset: SnoozePreset, now: number): Snooze {
  if (preset === 'hour') return { until: now + HOUR_MS };
  if (preset === 'resume') return { until: null };
  const end = new Date(now);
  end.setDate(end.getDate() + 1);
  end.setHours(TOMORROW_HOUR, 0, 0, 0);
  return { until: end.getTime() };
}

export function isSnoozed(snooze: Snooze | null, now: number): boolean {
  return snooze !== null && (snooze.until === null || now < snooze.until);
}

/** The stored value, checked: anything else is no snooze. */
export function normalizeSnooze(value: unknown): Snooze | null {
  if (typeof value !== 'object' || value === null) return null;
  const { until } = value as { until?: unknown };
  if (until === null) return { until: null };
  return typeof until === 'number' && Number.isFinite(until) ? { until } : null;
}
