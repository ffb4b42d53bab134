/** Where a click leads in the web app: one rule for notification clicks and the popup, with policy applied. */
import type { Category } from '../protocol/categories';
import type { Settings } from './settings';

/**
 * The web app page for a category (or its start page for null): the app URL setting with `{category}` filled in, or
 * the server's origin when no app URL is set. Pass the effective settings, so an administrator's app URL wins.
 */
export function getAppPageUrl(settings: Pick<Settings, 'serverUrl' | 'appUrl'>, category: Category | null): string {
  const appUrl = settings.appUrl.trim() !== '' ? settings.appUrl.trim() : getOriginUrl(settings.serverUrl);
  return appUrl.replaceAll('{category}', category ?? '');
}

function getOriginUrl(serverUrl: string): string {
  try {
    return new URL(serverUrl).origin + '/';
  } catch {
    return '';
  }
}
