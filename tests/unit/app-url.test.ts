/** The one rule for every URL Beacon opens (utils/settings/app-url.ts), against what a hostile server may send. */
import { describe, expect, it } from 'vitest';
import { MAX_ITEM_URL_LENGTH } from '@/utils/protocol/wire';
import { getOpenUrl } from '@/utils/settings/app-url';

const settings = { serverUrl: 'https://api.example.com/v1', appUrl: 'https://app.example.com/n/{category}' };
const open = (url: string) => getOpenUrl(settings, { kind: 'url', url, category: 'comments' });
const CATEGORY_PAGE = 'https://app.example.com/n/comments';

describe('getOpenUrl', () => {
  it("opens a server's URL on the web app's origin or the server's, normalized", () => {
    expect(open('https://app.example.com/c/18')).toBe('https://app.example.com/c/18');
    expect(open('https://api.example.com/x?y=1#z')).toBe('https://api.example.com/x?y=1#z');
    expect(open('HTTPS://APP.EXAMPLE.COM/c/1')).toBe('https://app.example.com/c/1');
    // The URL parser drops tabs and line breaks: what is opened is the parsed URL, never the raw text.
    expect(open(' https://app.exa\nmple.com/c/\t2 ')).toBe('https://app.example.com/c/2');
  });

  it('opens the category page for anything else a server sends', () => {
    const hostile = [
      'https://evil.example/phish',
      'https://app.example.com.evil.example/',
      'https://app.example.com@evil.example/', // user info: the host is evil.example
      'https://app.example.com:pw@evil.example/',
      'https://user:secret@app.example.com/c/1', // the right host, but credentials in the URL
      'https://app.example.com:8443/c/1', // another port is another origin
      'http://app.example.com/c/1', // a downgrade to plain HTTP
      'https://xn--pp-6kc.example.com/', // a look-alike host (Cyrillic а)
      'https://аpp.example.com/',
      '//evil.example/x',
      '/c/1',
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'blob:https://app.example.com/0b6f7f6e-0000-4000-8000-000000000000',
      'file:///etc/passwd',
      'chrome://settings',
      'about:blank',
      'view-source:https://app.example.com/',
      'https://app.example.com/' + 'a'.repeat(MAX_ITEM_URL_LENGTH), // too long to open
      'https://app.example.com/' + 'a'.repeat(100_000),
      '',
      'x',
    ];
    for (const url of hostile) expect(open(url), url.slice(0, 80)).toBe(CATEGORY_PAGE);
  });

  it('opens a category page, the start page, or the server when no app URL is set', () => {
    expect(getOpenUrl(settings, { kind: 'category', category: 'likes' })).toBe('https://app.example.com/n/likes');
    expect(getOpenUrl(settings, { kind: 'category', category: null })).toBe('https://app.example.com/n/');
    const noApp = { serverUrl: 'https://notify.example/api', appUrl: '' };
    expect(getOpenUrl(noApp, { kind: 'category', category: 'likes' })).toBe('https://notify.example/');
    expect(getOpenUrl(noApp, { kind: 'url', url: 'https://notify.example/c/1', category: 'likes' })).toBe(
      'https://notify.example/c/1',
    );
    expect(getOpenUrl(noApp, { kind: 'url', url: 'https://evil.example/', category: 'likes' })).toBe(
      'https://notify.example/',
    );
  });

  it('fills {category} in a trimmed app URL', () => {
    const trimmed = { serverUrl: 'https://notify.test/api', appUrl: ' https://app.test/ ' };
    expect(getOpenUrl(trimmed, { kind: 'category', category: 'likes' })).toBe('https://app.test/');
  });

  it('opens nothing when there is no server to fall back on', () => {
    expect(getOpenUrl({ serverUrl: 'not a url', appUrl: '' }, { kind: 'category', category: 'likes' })).toBeNull();
    const none = { serverUrl: '', appUrl: '' };
    expect(getOpenUrl(none, { kind: 'category', category: 'likes' })).toBeNull();
    expect(getOpenUrl(none, { kind: 'url', url: 'https://evil.example/', category: 'likes' })).toBeNull();
  });
});
