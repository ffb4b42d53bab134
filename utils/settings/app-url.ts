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

/**
 * Where a click on a notice leads: the notice's own `url` only when it is on the web app's origin or the server's
 * (protocol §7.3); a server must not be able to send the user, or an open app tab, to any other site. Anything else
 * opens the category page.
 */
export function getNoticeClickUrl(
  settings: Pick<Settings, 'serverUrl' | 'appUrl'>,
  noticeUrl: string,
  category: Category | null,
): string {
  const trusted = [getAppPageUrl(settings, null), settings.serverUrl].map(getOrigin);
  const origin = getOrigin(noticeUrl);
  return origin !== null && trusted.includes(origin) ? noticeUrl : getAppPageUrl(settings, category);
}

function getOrigin(url: string): string | null {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

function getOriginUrl(serverUrl: string): string {
  try {
    return new URL(serverUrl).origin + '/';
  } catch {
    return '';
  }
}
