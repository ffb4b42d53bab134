/**
 * User settings, stored in `storage.local` under the key `settings` (docs/configuration.md).
 * Administrators and tests may preset this key; missing fields take the defaults below.
 */
import { storage } from '@wxt-dev/storage';
import type { Category } from './categories';

export type AuthMethod = 'cookie' | 'token' | 'username';
export type RoleSetting = 'auto' | 'user' | 'admin';

export interface QuietHours {
  enabled: boolean;
  /** "HH:MM", local time. */
  from: string;
  to: string;
}

export interface Settings {
  /** The protocol's `{base}`; empty until the user sets it up. */
  serverUrl: string;
  /** Where notification clicks go; empty means the server URL's origin. */
  appUrl: string;
  authMethod: AuthMethod;
  /** Bearer token, for authMethod `token`. Never logged, never put in a URL. */
  token: string;
  /** For authMethod `username` (legacy servers). */
  username: string;
  /** `auto` asks `/notification/me`. */
  role: RoleSetting;
  /** OS notifications per category; the badge counts every category regardless. */
  notify: Record<Category, boolean>;
  quietHours: QuietHours;
}

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: '',
  appUrl: '',
  authMethod: 'token',
  token: '',
  username: '',
  role: 'auto',
  notify: { likes: true, stars: true, comments: true, system: true, manager: true, report_email: true },
  quietHours: { enabled: false, from: '22:00', to: '07:00' },
};

/** Fills fields a partial (preset or older) value lacks with the defaults. */
export function normalizeSettings(value: Partial<Settings> | null | undefined): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...value,
    notify: { ...DEFAULT_SETTINGS.notify, ...value?.notify },
    quietHours: { ...DEFAULT_SETTINGS.quietHours, ...value?.quietHours },
  };
}

export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: 1,
});

export async function loadSettings(): Promise<Settings> {
  return normalizeSettings(await settingsItem.getValue());
}
