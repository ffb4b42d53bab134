/** Settings and policy values are input too (issue #14): nothing in them may make every request fail. */
import { describe, expect, it } from 'vitest';
import wxtConfig from '@/wxt.config';
import { getOpenUrl } from '@/utils/settings/app-url';
import { getServerUrlProblem, isLoopbackHost } from '@/utils/settings/server-url';
import { DEFAULT_SETTINGS, parseManagedSettings } from '@/utils/settings/settings';
import { validateSettings } from '@/utils/settings/settings-validation';

describe('server URLs', () => {
  it('carry no user name, password, query or fragment', () => {
    for (const url of [
      'https://user:pass@notify.test/api',
      'https://user@notify.test/api',
      'https://notify.test/api?x=1',
      'https://notify.test/api#top',
      'https://notify.test/api?',
    ])
      expect(getServerUrlProblem(url), url).toBe('has-extras');
    expect(validateSettings({ ...DEFAULT_SETTINGS, serverUrl: 'https://a:b@notify.test', token: 't' }).serverUrl).toBe(
      'errorUrlExtras',
    );
  });

  it('an app URL may have a query, but no credentials', () => {
    const base = { ...DEFAULT_SETTINGS, serverUrl: 'https://notify.test', token: 't' };
    expect(validateSettings({ ...base, appUrl: 'https://app.test/n?tab={category}' }).appUrl).toBeUndefined();
    expect(validateSettings({ ...base, appUrl: 'https://u:p@app.test/' }).appUrl).toBe('errorUrlExtras');
  });

  it('from policy are applied only when the options page would accept them', () => {
    expect(parseManagedSettings({ serverUrl: 'https://u:p@corp.test/api' })).toEqual({});
    expect(parseManagedSettings({ serverUrl: 'http://corp.test/api' })).toEqual({});
    expect(parseManagedSettings({ serverUrl: 'https://corp.test/api' })).toEqual({
      serverUrl: 'https://corp.test/api',
    });
    expect(parseManagedSettings({ appUrl: 'javascript:alert(1)' })).toEqual({});
  });
});

describe('tokens', () => {
  it('with control or non-Latin characters are refused before they are saved', () => {
    const base = { ...DEFAULT_SETTINGS, serverUrl: 'https://notify.test', authMethod: 'token' as const };
    for (const token of ['abc\r\nX-Evil: 1', 'abc\u0000', 'tök✓n', 'a\tb'])
      expect(validateSettings({ ...base, token }).token, JSON.stringify(token)).toBe('errorTokenInvalid');
    expect(validateSettings({ ...base, token: 'ok-token_123.~' }).token).toBeUndefined();
  });
});

describe('loopback hosts', () => {
  // Written out, not read from LOOPBACK_HOSTS: the manifest is built from that list, so comparing the two would pass
  // whatever the list held.
  const EXPECTED_HOSTS = ['127.0.0.1', '[::1]', 'localhost'];

  it('the manifest grants exactly the loopback hosts, over both schemes', () => {
    const manifest = wxtConfig.manifest as (env: { browser: string }) => { host_permissions: string[] };
    for (const browser of ['chrome', 'firefox'])
      expect(manifest({ browser }).host_permissions.sort(), browser).toEqual(
        EXPECTED_HOSTS.flatMap((host) => [`http://${host}/*`, `https://${host}/*`]).sort(),
      );
  });

  it('the HTTPS rule accepts plain HTTP for exactly those hosts', () => {
    for (const host of EXPECTED_HOSTS) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(getServerUrlProblem(`http://${host}:8080/api`), host).toBeNull();
    }
    for (const host of ['127.0.0.2', '0.0.0.0', '[::2]', 'localhost.evil.test', 'notify.test']) {
      expect(isLoopbackHost(host), host).toBe(false);
      expect(getServerUrlProblem(`http://${host}/api`), host).toBe('insecure');
    }
  });
});

describe('notice URLs', () => {
  const settings = { serverUrl: 'https://api.example.com/v1', appUrl: 'https://app.example.com/n/{category}' };
  const getNoticeClickUrl = (_: typeof settings, url: string, category: 'comments' | 'likes') =>
    getOpenUrl(settings, { kind: 'url', url, category });

  it("open on the web app's origin or the server's", () => {
    expect(getNoticeClickUrl(settings, 'https://app.example.com/c/18', 'comments')).toBe(
      'https://app.example.com/c/18',
    );
    expect(getNoticeClickUrl(settings, 'https://api.example.com/x', 'comments')).toBe('https://api.example.com/x');
  });

  it('anywhere else open the category page instead', () => {
    for (const url of ['https://evil.test/phish', 'https://app.example.com.evil.test/', 'javascript:alert(1)', 'x'])
      expect(getNoticeClickUrl(settings, url, 'likes'), url).toBe('https://app.example.com/n/likes');
  });
});
