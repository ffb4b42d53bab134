import { describe, expect, it } from 'vitest';
import { getAppPageUrl } from '@/utils/settings/app-url';

describe('getAppPageUrl', () => {
  it('fills {category}, or gives the app URL itself, or the server origin when no app URL is set', () => {
    const server = 'https://notify.test/api';
    expect(getAppPageUrl({ serverUrl: server, appUrl: 'https://app.test/n/{category}' }, 'likes')).toBe(
      'https://app.test/n/likes',
    );
    expect(getAppPageUrl({ serverUrl: server, appUrl: 'https://app.test/n/{category}' }, null)).toBe(
      'https://app.test/n/',
    );
    expect(getAppPageUrl({ serverUrl: server, appUrl: ' https://app.test/ ' }, 'likes')).toBe('https://app.test/');
    expect(getAppPageUrl({ serverUrl: server, appUrl: '' }, 'likes')).toBe('https://notify.test/');
    expect(getAppPageUrl({ serverUrl: 'not a url', appUrl: '' }, 'likes')).toBe('');
  });
});
