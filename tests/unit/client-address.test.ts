// @vitest-environment node
/** Per-address limits group IPv6 by /64 and trust X-Forwarded-For only when told; their tables stay bounded. */
import { describe, expect, it } from 'vitest';
import { AuthBackoff, DEFAULT_BACKOFF_POLICY } from '../../server/auth-backoff';
import { BoundedMap } from '../../server/bounded-map';
import { getAddressKey, getClientAddress } from '../../server/client-address';

describe('getAddressKey', () => {
  it('keeps IPv4 addresses, maps IPv4-in-IPv6 to IPv4, and groups IPv6 by /64', () => {
    expect(getAddressKey('127.0.0.2')).toBe('127.0.0.2');
    expect(getAddressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(getAddressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(getAddressKey('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(getAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(getAddressKey('2001:db8::2')).toBe(getAddressKey('2001:db8:0:0:ffff::9'));
    expect(getAddressKey('2001:db8:0:1::1')).not.toBe(getAddressKey('2001:db8:0:2::1'));
    expect(getAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(getAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(getAddressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(getAddressKey(undefined)).toBe('unknown');
  });
});

describe('getClientAddress', () => {
  it('ignores X-Forwarded-For unless the proxy is trusted; then takes its last valid entry', () => {
    expect(getClientAddress('10.0.0.1', '203.0.113.9', false)).toBe('10.0.0.1');
    expect(getClientAddress('10.0.0.1', '198.51.100.1, 203.0.113.9', true)).toBe('203.0.113.9');
    expect(getClientAddress('10.0.0.1', ['1.1.1.1', '203.0.113.9'], true)).toBe('203.0.113.9');
    expect(getClientAddress('10.0.0.1', 'not-an-address', true)).toBe('10.0.0.1');
    expect(getClientAddress('10.0.0.1', undefined, true)).toBe('10.0.0.1');
  });
});

describe('bounded tables', () => {
  it('BoundedMap keeps the most recently used entries up to its capacity', () => {
    const map = new BoundedMap<string, number>(3);
    for (const key of ['a', 'b', 'c']) map.set(key, 1);
    map.get('a');
    map.set('d', 1);
    expect(map.size).toBe(3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
  });

  it('an attacker cycling 100,000 addresses leaves at most maxKeys records', () => {
    const backoff = new AuthBackoff({ ...DEFAULT_BACKOFF_POLICY, maxKeys: 1000 }, () => 0);
    for (let i = 0; i < 100_000; i++) backoff.fail([`address:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`]);
    expect((backoff as unknown as { records: BoundedMap<string, unknown> }).records.size).toBe(1000);
  });
});
