import { describe, expect, it } from 'vitest';
import { canonicalIp, ipv4ToInt, isNonPublicIp } from './ip.js';

describe('canonicalIp', () => {
  it('normalizes IPv4 and IPv6 text', () => {
    expect(canonicalIp('192.000.002.010')).toBe('192.0.2.10');
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('[2001:db8::1]')).toBe('2001:db8::1');
    expect(canonicalIp('fdf1:cb9d:f59e:19b0:0:0:33:4f')).toBe('fdf1:cb9d:f59e:19b0::33:4f');
    expect(canonicalIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('2001:db8:0:1:0:0:1:0')).toBe('2001:db8:0:1::1:0');
  });
  it('refuses what is not an address', () => {
    expect(canonicalIp('256.1.1.1')).toBeNull();
    expect(canonicalIp('example.com')).toBeNull();
    expect(ipv4ToInt('1.2.3')).toBe(-1);
  });
  it('knows non-public space', () => {
    expect(isNonPublicIp('10.1.2.3')).toBe(true);
    expect(isNonPublicIp('8.8.8.8')).toBe(false);
    expect(isNonPublicIp('fe80::1')).toBe(true);
    expect(isNonPublicIp('2a00:1450::1')).toBe(false);
  });
});
