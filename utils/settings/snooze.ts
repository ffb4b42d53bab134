/** Snooze: no OS notifications until a time (or until the user turns them back on); the badge keeps counting. */
import { parseTimeOfDay } from '../lib/time-of-day';

/** What the popup offers: a short snooze, until tomorrow at a time, or until turned back on. */
export const SNOOZE_PRESETS = ['short', 'tomorrow', 'resume'] as const;
export type SnoozePreset = (typeof SNOOZE_PRESETS)[number];

/** The lengths a short snooze may have, in minutes. */
export const SNOOZE_MINUTES = [30, 60, 120, 240] as const;
export type SnoozeMinutes = (typeof SNOOZE_MINUTES)[number];

/** The user's snooze presets: a preference, synced to their other browsers. */
export interface SnoozePresets {
  /** How long the short snooze lasts. */
  minutes: SnoozeMinutes;
  /** When "until tomorrow" ends: "HH:MM", local time. */
  tomorrowAt: string;
}

export const DEFAULT_SNOOZE_PRESETS: SnoozePresets = { minutes: 60, tomorrowAt: '08:00' };

/** Presets from any stored value, field by field: a value another browser (or version) wrote cannot break them. */
export function parseSnoozePresets(value: unknown): SnoozePresets {
  const source = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const minutes = SNOOZE_MINUTES.find((choice) => choice === source.minutes) ?? DEFAULT_SNOOZE_PRESETS.minutes;
  const tomorrowAt = parseTimeOfDay(source.tomorrowAt)
    ? (source.tomorrowAt as string)
    : DEFAULT_SNOOZE_PRESETS.tomorrowAt;
  return { minutes, tomorrowAt };
}

/** A snooze in force; `until` null means until the user turns notifications back on. */
export interface Snooze {
  until: number | null;
}

const MINUTE_MS = 60 * 1000;

/** The snooze a preset starts now, with the user's presets. */
export function getSnooze(preset: SnoozePreset, now: number, presets: SnoozePresets = DEFAULT_SNOOZE_PRESETS): Snooze {
  const { minutes, tomorrowAt } = parseSnoozePresets(presets);
  if (preset === 'short') return { until: now + minutes * MINUTE_MS };
  if (preset === 'resume') return { until: null };
  const { hours, minutes: minute } = parseTimeOfDay(tomorrowAt)!;
  const end = new Date(now);
  end.setDate(end.getDate() + 1);
  end.setHours(hours, minute, 0, 0);
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
