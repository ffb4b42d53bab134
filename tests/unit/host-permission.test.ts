import { describe, expect, it } from 'vitest';
import { isCookieForServer } from '@/utils/settings/host-permission';

describe('isCookieForServer', () => {
  it('matches the server host and its parent domains, nothing else', () => {
    expect(isCookieForServer('127.0.0.1', 'http://127.0.0.1:8787/api')).toBe(true);
    expect(isCookieForServer('.example.com', 'https://app.example.com/api')).toBe(true);
    expect(isCookieForServer('app.example.com', 'https://app.example.com')).toBe(true);
    expect(isCookieForServer('localhost', 'http://127.0.0.1:8787')).toBe(false);
    expect(isCookieForServer('evilexample.com', 'https://example.com')).toBe(false);
    expect(isCookieForServer('example.com', '')).toBe(false);
  });
});
