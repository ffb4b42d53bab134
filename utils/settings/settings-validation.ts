/** Checks a settings form before saving: one message per field, so nothing is saved half-way. */
import type { MessageKey } from '../labels/message-key';
import { isTimeOfDay } from '../lib/time-of-day';
import { isHeaderSafe } from '../protocol/wire';
import { getAppUrlProblem } from './app-url';
import { getServerUrlProblem, type ServerUrlProblem } from './server-url';
import type { Settings } from './settings';

type SettingsField = 'serverUrl' | 'appUrl' | 'token' | 'username' | 'quietFrom' | 'quietTo' | 'snoozeTomorrowAt';
export type SettingsErrors = Partial<Record<SettingsField, MessageKey>>;

const URL_PROBLEMS: Record<ServerUrlProblem, MessageKey> = {
  empty: 'errorServerUrlEmpty',
  'not-a-url': 'errorNotAUrl',
  'not-http': 'errorNotHttp',
  insecure: 'errorInsecure',
  'has-extras': 'errorUrlExtras',
};

export function validateSettings(settings: Settings): SettingsErrors {
  const errors: SettingsErrors = {};
  const server = getServerUrlProblem(settings.serverUrl);
  if (server) errors.serverUrl = URL_PROBLEMS[server];
  const app = getAppUrlProblem(settings.appUrl);
  if (app) errors.appUrl = URL_PROBLEMS[app];
  if (settings.authMethod === 'token' && settings.token.trim() === '') errors.token = 'errorTokenEmpty';
  else if (settings.authMethod === 'token' && !isHeaderSafe(settings.token.trim())) errors.token = 'errorTokenInvalid';
  if (settings.authMethod === 'username' && settings.username.trim() === '') errors.username = 'errorUsernameEmpty';
  if (settings.quietHours.enabled) {
    if (!isTimeOfDay(settings.quietHours.from)) errors.quietFrom = 'errorTimeInvalid';
    if (!isTimeOfDay(settings.quietHours.to)) errors.quietTo = 'errorTimeInvalid';
  }
  if (!isTimeOfDay(settings.snoozePresets.tomorrowAt)) errors.snoozeTomorrowAt = 'errorTimeInvalid';
  return errors;
}

/** Trims what users paste with spaces around it. */
export function getCleanSettings(settings: Settings): Settings {
  return {
    ...settings,
    serverUrl: settings.serverUrl.trim(),
    appUrl: settings.appUrl.trim(),
    token: settings.token.trim(),
    username: settings.username.trim(),
  };
}
