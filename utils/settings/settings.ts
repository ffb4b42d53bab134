/**
 * User settings: the model, its defaults and the policy rules (docs/configuration.md). Stored by
 * settings-storage.ts; administrators and tests may preset the stored value, missing fields take the defaults.
 */
import type { Category } from '../protocol/categories';
import { getServerUrlProblem } from './server-url';

export type AuthMethod = 'cookie' | 'token' | 'username';
type RoleSetting = 'auto' | 'user' | 'admin';

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
};

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
  if (
    typeof value.appUrl === 'string' &&
    (value.appUrl.trim() === '' ||
      getServerUrlProblem(value.appUrl.replaceAll('{category}', 'likes'), { allowQuery: true }) === null)
  )
    managed.appUrl = value.appUrl;
  if (typeof value.username === 'string') managed.username = value.username;
  if (AUTH_METHODS.includes(value.authMethod as AuthMethod)) managed.authMethod = value.authMethod as AuthMethod;
  if (ROLES.includes(value.role as RoleSetting)) managed.role = value.role as RoleSetting;
  return managed;
}

/** What Beacon runs with: the user's settings, with every policy-set field winning. */
export function getEffectiveSettings(local: Settings, managed: ManagedSettings): Settings {
  return { ...local, ...managed };
}

/** Fills fields a partial (preset or older) value lacks with the defaults. */
export function normalizeSettings(value: Partial<Settings> | null | undefined): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...value,
    notify: { ...DEFAULT_SETTINGS.notify, ...value?.notify },
    quietHours: { ...DEFAULT_SETTINGS.quietHours, ...value?.quietHours },
  };
}
