/** Settings a test presets, split the way Beacon stores them (utils/settings/settings-storage.ts). */
import type { Preferences, Settings } from '../../utils/settings/settings';

/** Every preference field: `satisfies` fails to compile when the product adds one this list lacks. */
const PREFERENCE_KEYS = { notify: true, quietHours: true, sound: true, snoozePresets: true } satisfies Record<
  keyof Preferences,
  true
>;

export function splitSettings(settings: Partial<Settings>): {
  connection: Partial<Settings>;
  preferences: Partial<Settings>;
} {
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined);
  const isPreference = ([key]: [string, unknown]) => key in PREFERENCE_KEYS;
  return {
    connection: Object.fromEntries(entries.filter((entry) => !isPreference(entry))) as Partial<Settings>,
    preferences: Object.fromEntries(entries.filter(isPreference)) as Partial<Settings>,
  };
}
