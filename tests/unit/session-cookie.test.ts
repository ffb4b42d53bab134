// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { getSessionCookiePolicy } from '../../server/session-cookie';

describe('getSessionCookiePolicy', () => {
  it.each([
    [{}, false],
    [{ host: '127.0.0.1' }, false],
    [{ host: '127.0.0.2' }, false],
    [{ host: 'localhost' }, false],
    [{ host: '::1' }, false],
    [{ host: '0.0.0.0' }, true],
    [{ host: '::' }, true],
    [{ host: '192.0.2.10' }, true],
    [{ host: '127.0.0.1', publicUrl: 'https://beacon.example' }, true],
    [{ host: '127.0.0.1', publicUrl: 'https://localhost:8443' }, true],
    [{ host: '0.0.0.0', publicUrl: 'http://127.0.0.1:8787' }, false],
    [{ host: '0.0.0.0', publicUrl: 'http://[::1]:8787' }, false],
    // Plain HTTP to a public name: Secure anyway (browsers then keep no cookie; sign in with a token, or use TLS).
    [{ host: '0.0.0.0', publicUrl: 'http://beacon.example' }, true],
  ])('%o → Secure %s', (config, secure) => {
    const policy = getSessionCookiePolicy(config);
    expect(policy.secure).toBe(secure);
    expect(policy.name).toBe(secure ? '__Host-beacon_session' : 'beacon_session');
  });
});
