import { describe, expect, it } from 'vitest';
import { analyzeCidr, canonicalIp, ipv4ToInt, isNonPublicIp, parseCidr, parseIpv4 } from './ip.js';

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

describe('parseIpv4', () => {
  it('agrees with ipv4ToInt on dotted quads and refuses the rest', () => {
    for (const ip of ['0.0.0.0', '192.0.2.10', '255.255.255.255', '10.20.30.40']) expect(parseIpv4(ip)).toBe(ipv4ToInt(ip));
    expect(parseIpv4('192.000.002.010')).toBe(ipv4ToInt('192.0.2.10'));
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.4 ', '1.2.3.-4', '1.2.3.0004', '::1', '']) {
      expect(parseIpv4(bad), bad).toBe(-1);
    }
  });
});

describe('analyzeCidr', () => {
  it('reads IPv4 and IPv6 blocks into canonical text and bounds', () => {
    expect(parseCidr('192.0.2.0/28')).toEqual({ family: 4, first: 0xc0000200, last: 0xc000020f, length: 28, text: '192.0.2.0/28' });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ first: 0, last: 0xffffffff });
    expect(parseCidr('192.0.2.7')).toMatchObject({ family: 4, length: 32, text: '192.0.2.7/32' });
    expect(parseCidr('2001:DB8::/32')).toEqual({
      family: 6, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) | ((1n << 96n) - 1n), length: 32, text: '2001:db8::/32',
    });
    expect(parseCidr('::ffff:192.0.2.0/120')?.text).toBe('192.0.2.0/24');
  });
  it('says why a block is refused', () => {
    expect(analyzeCidr('192.0.2.1/24')).toEqual({ error: 'host bits set (did you mean 192.0.2.0/24?)' });
    expect(analyzeCidr('2001:db8::1/64')).toEqual({ error: 'host bits set (did you mean 2001:db8::/64?)' });
    expect(analyzeCidr('192.0.2.0/33')).toEqual({ error: 'IPv4 prefix length above 32' });
    expect(analyzeCidr('2001:db8::/129')).toEqual({ error: 'IPv6 prefix length above 128' });
    expect(analyzeCidr('192.0.2.0/')).toEqual({ error: 'prefix length is not a number' });
    expect(analyzeCidr('example.com/24')).toEqual({ error: 'not an IP address' });
  });
});
