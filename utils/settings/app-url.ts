/**
 * The one rule for every URL Beacon opens (protocol §7.3): notification clicks, the popup's items, notices and "Open
 * app" all ask `getOpenUrl`, with the settings in force (policy wins). Only the web app's origin or the server's may
 * be opened; anything else a server sends opens the category page instead.
 */
import { isCategory, type Category } from '../protocol/categories';
import { MAX_ITEM_URL_LENGTH } from '../protocol/wire';
import { getServerUrlProblem, type ServerUrlProblem } from './server-url';
import type { Settings } from './settings';

/** What a click asks to open: a URL a server sent (with its category), or a category's page of the web app. */
export type OpenTarget =
  { kind: 'url'; url: string; category: Category | null } | { kind: 'category'; category: Category | null };

/**
 * A URL that passed {@link getOpenUrl}: the only kind the tab opener accepts, so no caller can skip the rule.
 * (The brand exists only for the type checker.)
 */
export type OpenableUrl = string & { readonly openable: unique symbol };

/** A target as a message carries it, checked: null for anything that is not an {@link OpenTarget}. */
export function parseOpenTarget(value: unknown): OpenTarget | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kind, url, category } = value as Record<string, unknown>;
  if (category !== null && !isCategory(category)) return null;
  if (kind === 'category') return { kind, category };
  return kind === 'url' && typeof url === 'string' ? { kind, url, category } : null;
}

type UrlSettings = Pick<Settings, 'serverUrl' | 'appUrl'>;

/**
 * Where a click leads: a server's URL only when it is an http(s) URL on the web app's origin or the server's, without
 * user name or password and at most MAX_ITEM_URL_LENGTH long (the limit Beacon keeps too, so no server-chosen
 * megabyte reaches the tab bar); otherwise (and for a category target) the category's
 * page of the web app. Null when not even that can be opened (no server set). Pass the settings in force.
 */
export function getOpenUrl(settings: UrlSettings, target: OpenTarget): OpenableUrl | null {
  const appPage = parseWebUrl(getAppPageUrl(settings, target.category));
  if (target.kind === 'url') {
    const trusted = [getAppPageUrl(settings, null), settings.serverUrl].map((url) => parseWebUrl(url)?.origin);
    const wanted = target.url.length <= MAX_ITEM_URL_LENGTH ? parseWebUrl(target.url) : null;
    if (wanted && wanted.username === '' && wanted.password === '' && trusted.includes(wanted.origin)) {
      return wanted.href as OpenableUrl;
    }
  }
  return appPage ? (appPage.href as OpenableUrl) : null;
}

/**
 * The one rule for the app URL setting, wherever one comes from (the options page, a policy, storage): empty (the
 * server's origin then), or an http(s) URL, HTTPS but on loopback, without user name or password; unlike the server's
 * `{base}` it may carry a query or fragment, and `{category}` anywhere.
 */
export function getAppUrlProblem(appUrl: string): ServerUrlProblem | null {
  if (appUrl.trim() === '') return null;
  return getServerUrlProblem(appUrl.replaceAll('{category}', 'likes'), { allowQuery: true });
}

/**
 * The web app page for a category (or its start page for null): the app URL setting with `{category}` filled in, or
 * the server's origin when no app URL is set, or the one set breaks the rule (an older version, a hand-edited store).
 */
function getAppPageUrl(settings: UrlSettings, category: Category | null): string {
  const usable = settings.appUrl.trim() !== '' && getAppUrlProblem(settings.appUrl) === null;
  const appUrl = usable ? settings.appUrl.trim() : getOriginUrl(settings.serverUrl);
  return appUrl.replaceAll('{category}', category ?? '');
}

function parseWebUrl(url: string): URL | null {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null;
  } catch {
    return null;
  }
}

function getOriginUrl(serverUrl: string): string {
  const parsed = parseWebUrl(serverUrl);
  return parsed ? parsed.origin + '/' : '';
}
