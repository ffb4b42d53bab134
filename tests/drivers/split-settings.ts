/** Settings a test presets, split the way Beacon stores them (utils/settings/settings-storage.ts). */
import type { Settings } from '../../utils/settings/settings';

export function splitSettings(settings: Partial<Settings>): {
  connection: Partial<Settings>;
  preferences: Partial<Settings>;
} {
  const { notify, quietHours, sound, ...connection } = settings;
  const preferences = Object.fromEntries(
    Object.entries({ notify, quietHours, sound }).filter(([, value]) => value !== undefined),
  ) as Partial<Settings>;
  return { connection, preferences };
}
