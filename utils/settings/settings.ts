/**
 * User settings: the model, its defaults and the policy rules (docs/configuration.md). Stored by
 * settings-storage.ts in two parts: the connection (server, sign-in) stays in this browser, the preferences follow
 * the user through `storage.sync`. Missing fields take the defaults.
 */
import type { Category } from '../protocol/categories';
import { getAppUrlProblem } from './app-url';
import { getServerUrlProblem } from './server-url';
import { DEFAULT_SNOOZE_PRESETS, parseSnoozePresets, type SnoozePresets } from './snooze';

export type AuthMethod = 'cookie' | 'token' | 'username';
/** `auto` takes the role the server names (`GET /notification/me`); the others override it. */
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
  /** Play the system sound with OS notifications (Chrome only; Firefox has no silent option). */
  sound: boolean;
  /** What the popup's snooze menu offers. */
  snoozePresets: SnoozePresets;
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
  sound: true,
  snoozePresets: DEFAULT_SNOOZE_PRESETS,
};

/** What follows the user to their other browsers (`storage.sync`). Nothing else is ever written there. */
const PREFERENCE_FIELDS = ['notify', 'quietHours', 'sound', 'snoozePresets'] as const;
type PreferenceField = (typeof PREFERENCE_FIELDS)[number];
export type Preferences = Pick<Settings, PreferenceField>;
/** What stays in this browser (`storage.local`): the server, the sign-in (token included) and the role. */
export type ConnectionSettings = Omit<Settings, PreferenceField>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The preferences of any stored value, and nothing else: built field by field, so no token can ride along. */
export function pickPreferences(value: unknown): Preferences {
  const source = isRecord(value) ? value : {};
  const defaults = DEFAULT_SETTINGS;
  const notify = { ...defaults.notify };
  if (isRecord(source.notify))
    for (const category of Object.keys(notify) as Category[])
      if (typeof source.notify[category] === 'boolean') notify[category] = source.notify[category];
  const quiet = isRecord(source.quietHours) ? source.quietHours : {};
  return {
    notify,
    quietHours: {
      enabled: typeof quiet.enabled === 'boolean' ? quiet.enabled : defaults.quietHours.enabled,
      from: typeof quiet.from === 'string' ? quiet.from : defaults.quietHours.from,
      to: typeof quiet.to === 'string' ? quiet.to : defaults.quietHours.to,
    },
    sound: typeof source.sound === 'boolean' ? source.sound : defaults.sound,
    snoozePresets: parseSnoozePresets(source.snoozePresets),
  };
}

/** The connection part of a stored value (preferences and unknown fields dropped), missing ones the defaults. */
export function pickConnection(value: Partial<Settings> | null | undefined): ConnectionSettings {
  const { serverUrl, appUrl, authMethod, token, username, role } = normalizeSettings(value);
  return { serverUrl, appUrl, authMethod, token, username, role };
}

/** What an account session is opened with: a change in any of these reconnects, a change elsewhere does not. */
const SESSION_FIELDS = ['serverUrl', 'authMethod', 'token', 'username', 'role'] as const;

/** True when both settings open the same session (only preferences or the app URL differ). */
export function isSameSession(a: Settings, b: Settings): boolean {
  return SESSION_FIELDS.every((field) => a[field] === b[field]);
}

/** True when a stored value still holds preferences (written before they moved to `storage.sync`). */
export function hasPreferences(value: unknown): boolean {
  return isRecord(value) && PREFERENCE_FIELDS.some((field) => field in value);
}

/** Fields an administrator can preset and lock through browser policy (`storage.managed`, public/managed_schema.json). */
export const MANAGED_FIELDS = ['serverUrl', 'appUrl', 'authMethod', 'username', 'role'] as const;
export type ManagedField = (typeof MANAGED_FIELDS)[number];
export type ManagedSettings = Partial<Pick<Settings, ManagedField>>;

const AUTH_METHODS: readonly AuthMethod[] = ['cookie', 'token', 'username'];
const ROLES: readonly RoleSetting[] = ['auto', 'user', 'admin'];

/** Keeps only well-typed policy values: a broken policy must not break Beacon. */
export function parseManagedSettings(value: Record<string, unknown> | null | undefined): ManagedSettings {
  const managed: ManagedSettings = {};
  if (!value) return managed;
  // A policy URL the options page would refuse (credentials, a query, plain HTTP) is not applied either.
  if (typeof value.serverUrl === 'string' && getServerUrlProblem(value.serverUrl) === null)
    managed.serverUrl = value.serverUrl;
  if (typeof value.appUrl === 'string' && getAppUrlProblem(value.appUrl) === null) managed.appUrl = value.appUrl;
  if (typeof value.username === 'string') managed.username = value.username;
  if (AUTH_METHODS.includes(value.authMethod as AuthMethod)) managed.authMethod = value.authMethod as AuthMethod;
  if (ROLES.includes(value.role as RoleSetting)) managed.role = value.role as RoleSetting;
  return managed;
}

/**
 * The one rule for the settings in force, what Beacon runs with: the user's settings, with every field a policy sets
 * winning. Only the managed fields, and only those with a value, whatever object a caller hands over.
 */
export function getEffectiveSettings(local: Settings, managed: ManagedSettings): Settings {
  const effective = { ...local };
  for (const field of MANAGED_FIELDS) {
    const value = managed[field];
    if (value !== undefined) Object.assign(effective, { [field]: value });
  }
  return effective;
}

/**
 * The role Beacon counts with: the setting, or with `auto` the server's (null until it has said: counted as `user`).
 * Which categories that role sees is the protocol's rule, `getVisibleCategories`.
 */
export function getEffectiveRole(setting: RoleSetting, serverRole: string | null): string | null {
  return setting === 'auto' ? serverRole : setting;
}

/** Fills fields a partial (preset or older) value lacks with the defaults. */
export function normalizeSettings(value: Partial<Settings> | null | undefined): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...value,
    notify: { ...DEFAULT_SETTINGS.notify, ...value?.notify },
    quietHours: { ...DEFAULT_SETTINGS.quietHours, ...value?.quietHours },
    snoozePresets: { ...DEFAULT_SETTINGS.snoozePresets, ...value?.snoozePresets },
  };
}
