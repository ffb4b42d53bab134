import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  getEffectiveSettings,
  normalizeSettings,
  parseManagedSettings,
} from '@/utils/settings/settings';
import { getServerUrlProblem } from '@/utils/settings/server-url';

describe('settings', () => {
  it('fills a partial preset with the defaults, nested objects included', () => {
    const settings = normalizeSettings({
      serverUrl: 'https://x.test',
      notify: { likes: false } as never,
      quietHours: { enabled: true } as never,
    });
    expect(settings.authMethod).toBe('token');
    expect(settings.notify).toEqual({ ...DEFAULT_SETTINGS.notify, likes: false });
    expect(settings.quietHours).toEqual({ enabled: true, from: '22:00', to: '07:00' });
    expect(normalizeSettings(null)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps only well-typed policy values, and they win over the user', () => {
    const managed = parseManagedSettings({
      serverUrl: 'https://corp.test/api',
      authMethod: 'kerberos',
      role: 'admin',
      token: 'not-a-policy-field',
      username: 7,
    });
    expect(managed).toEqual({ serverUrl: 'https://corp.test/api', role: 'admin' });
    const effective = getEffectiveSettings(
      { ...DEFAULT_SETTINGS, serverUrl: 'https://mine.test', token: 'tok' },
      managed,
    );
    expect(effective).toMatchObject({ serverUrl: 'https://corp.test/api', role: 'admin', token: 'tok' });
    expect(parseManagedSettings(undefined)).toEqual({});
  });

  it('requires HTTPS except for loopback hosts', () => {
    expect(getServerUrlProblem('https://notify.example.com/api')).toBeNull();
    for (const url of ['http://localhost:8787', 'http://127.0.0.1', 'http://[::1]:80/api'])
      expect(getServerUrlProblem(url), url).toBeNull();
    // No match pattern grants 127.0.0.0/8: accepting it would leave Beacon at "no permission" for good.
    expect(getServerUrlProblem('http://127.1.2.3:9')).toBe('insecure');
    expect(getServerUrlProblem('http://notify.example.com')).toBe('insecure');
    expect(getServerUrlProblem('http://127.0.0.1.evil.test')).toBe('insecure');
    expect(getServerUrlProblem('ftp://x.test')).toBe('not-http');
    expect(getServerUrlProblem('x')).toBe('not-a-url');
    expect(getServerUrlProblem('  ')).toBe('empty');
  });
});
