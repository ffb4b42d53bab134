/**
 * One rule for the app URL setting (an http(s) page of the web app, HTTPS but on loopback, a query allowed, no user
 * name or password; empty means the server's origin), held to wherever one comes in or is used: the options page, a
 * policy, and the pages Beacon opens (a stored app URL that breaks the rule is not trusted, the server's origin is).
 */
import { describe, expect, it } from 'vitest';
import { getAppUrlProblem, getOpenUrl } from '@/utils/settings/app-url';
import type { ServerUrlProblem } from '@/utils/settings/server-url';
import { DEFAULT_SETTINGS, parseManagedSettings } from '@/utils/settings/settings';
import { validateSettings } from '@/utils/settings/settings-validation';

const SERVER = 'https://notify.example/api';
const SERVER_PAGE = 'https://notify.example/';

const APP_URLS: Array<[appUrl: string, problem: ServerUrlProblem | null, likesPage: string]> = [
  ['', null, SERVER_PAGE],
  ['   ', null, SERVER_PAGE],
  ['https://app.example/', null, 'https://app.example/'],
  ['https://app.example/n/{category}?tab=unread#top', null, 'https://app.example/n/likes?tab=unread#top'],
  [' https://app.example/n/{category} ', null, 'https://app.example/n/likes'],
  ['http://localhost:3000/{category}', null, 'http://localhost:3000/likes'],
  ['http://app.example/', 'insecure', SERVER_PAGE],
  ['http://127.0.0.2/', 'insecure', SERVER_PAGE],
  ['https://user:secret@app.example/', 'has-extras', SERVER_PAGE],
  ['https://app.example@evil.example/', 'has-extras', SERVER_PAGE],
  ['javascript:alert(1)', 'not-http', SERVER_PAGE],
  ['data:text/html,<b>x</b>', 'not-http', SERVER_PAGE],
  ['ftp://app.example/', 'not-http', SERVER_PAGE],
  ['app.example', 'not-a-url', SERVER_PAGE],
];

describe('the app URL', () => {
  it.each(APP_URLS)('%j: %s', (appUrl, problem) => {
    expect(getAppUrlProblem(appUrl)).toBe(problem);
  });

  it.each(APP_URLS)('%j is accepted by the options page only when it keeps the rule', (appUrl, problem) => {
    const errors = validateSettings({ ...DEFAULT_SETTINGS, serverUrl: SERVER, token: 't', appUrl });
    expect(errors.appUrl !== undefined).toBe(problem !== null);
  });

  it.each(APP_URLS)('%j is applied from a policy only when it keeps the rule', (appUrl, problem) => {
    expect(parseManagedSettings({ appUrl }).appUrl).toBe(problem === null ? appUrl : undefined);
  });

  it.each(APP_URLS)(
    "%j stored: a category click opens the app's page, or the server's when it breaks the rule",
    (appUrl, _problem, likesPage) => {
      expect(getOpenUrl({ serverUrl: SERVER, appUrl }, { kind: 'category', category: 'likes' })).toBe(likesPage);
    },
  );

  it.each(APP_URLS)("%j stored: a server's URL on its origin is opened only when it keeps the rule", (appUrl) => {
    const origin = URL.canParse(appUrl.trim()) ? new URL(appUrl.trim()).origin : null;
    if (origin === null || origin === 'null' || origin === new URL(SERVER).origin) return;
    const url = `${origin}/item/1`;
    const opened = getOpenUrl({ serverUrl: SERVER, appUrl }, { kind: 'url', url, category: 'likes' });
    expect(opened).toBe(getAppUrlProblem(appUrl) === null ? url : SERVER_PAGE);
  });
});
