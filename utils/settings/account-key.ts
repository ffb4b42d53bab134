import { getBaseUrl, getServerUrlProblem } from './server-url';
import type { Settings } from './settings';

/**
 * Identifies server + sign-in, without secrets: counts and event ids of one account never leak into another.
 * Null when the settings name no usable server.
 */
export function getAccountKey(settings: Settings): string | null {
  if (getServerUrlProblem(settings.serverUrl) !== null) return null;
  const who = settings.authMethod === 'username' ? settings.username : '';
  return `${getBaseUrl(settings.serverUrl)}|${settings.authMethod}|${who}`;
}
