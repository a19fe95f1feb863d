import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 dotted quad -> unsigned 32-bit integer, or -1 when it is not one. */
export function ipv4ToInt(ip: string): number {
  if (!isIPv4(ip)) return -1;
  const p = ip.split('.');
  return ((+p[0] << 24) >>> 0) + (+p[1] << 16) + (+p[2] << 8) + +p[3];
}

export function intToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** IPv6 text -> 128-bit bigint, or -1n when it is not one. Accepts embedded IPv4 and zone-less forms. */
export function ipv6ToBigInt(ip: string): bigint {
  if (!isIPv6(ip)) return -1n;
  let text = ip.toLowerCase();
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = ipv4ToInt(v4[1]);
    text = text.slice(0, -v4[1].length) + ((n >>> 16) & 0xffff).toString(16) + ':' + (n & 0xffff).toString(16);
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  let value = 0n;
  for (const g of groups) value = (value << 16n) + BigInt(parseInt(g, 16));
  return value;
}

export function bigIntToIpv6(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return groups.slice(0, bestStart).join(':') + '::' + groups.slice(bestStart + bestLen).join(':');
}

/**
 * The canonical text of an IP address (IPv4 dotted quad without leading zeros, IPv6 RFC 5952),
 * or null when the text is not an address. IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4.
 */
export function canonicalIp(text: string): string | null {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    s = s.split('.').map((x) => String(parseInt(x, 10))).join('.');
    return isIPv4(s) ? s : null;
  }
  const v6 = ipv6ToBigInt(s);
  if (v6 < 0n) return null;
  if (v6 >> 32n === 0xffffn) return intToIpv4(Number(v6 & 0xffffffffn));
  return bigIntToIpv6(v6);
}

/** Is this canonical address private, loopback, link-local, reserved or documentation space? */
export function isNonPublicIp(ip: string): boolean {
  const n = ipv4ToInt(ip);
  if (n >= 0) {
    const a = n >>> 24;
    const b = (n >>> 16) & 255;
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b < 128) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168)
    );
  }
  const v = ipv6ToBigInt(ip);
  if (v < 0n) return true;
  const top16 = Number(v >> 112n);
  return v === 0n || v === 1n || (top16 & 0xfe00) === 0xfc00 || (top16 & 0xffc0) === 0xfe80 || (top16 & 0xff00) === 0xff00;
}

/**
 * Dotted-quad IPv4 -> unsigned 32-bit integer without allocating, or -1. Hot path of the resolver:
 * like canonicalIp it reads octets with leading zeros as decimal ("010" is 10).
 */
export function parseIpv4(text: string): number {
  const n = text.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/** A CIDR block read from text: first and last address (inclusive) and its canonical text. */
export type Cidr =
  | { family: 4; first: number; last: number; length: number; text: string }
  | { family: 6; first: bigint; last: bigint; length: number; text: string };

/**
 * Reads `a.b.c.d/len` or `v6/len` (a bare address is a host route, /32 or /128), or says why not.
 * Host bits set below the prefix are an error, not silently masked: `10.0.0.1/8` is more likely a
 * typo than a wish for all of 10/8. IPv4-mapped IPv6 blocks (::ffff:0:0/96 and longer) become IPv4.
 */
export function analyzeCidr(input: string): { cidr: Cidr } | { error: string } {
  if (typeof input !== 'string') return { error: 'not a string' };
  const text = input.trim();
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const lengthText = slash < 0 ? null : text.slice(slash + 1);
  if (lengthText !== null && !/^\d{1,3}$/.test(lengthText)) return { error: 'prefix length is not a number' };
  const fast = parseIpv4(addressText);
  if (fast >= 0) return ipv4Cidr(fast, lengthText === null ? 32 : parseInt(lengthText, 10));
  const address = canonicalIp(addressText);
  if (address === null || addressText.startsWith('[')) return { error: 'not an IP address' };
  const v4 = ipv4ToInt(address);
  if (v4 >= 0 && !addressText.includes(':')) return ipv4Cidr(v4, lengthText === null ? 32 : parseInt(lengthText, 10));
  const v6 = ipv6ToBigInt(addressText);
  const length = lengthText === null ? 128 : parseInt(lengthText, 10);
  if (length > 128) return { error: 'IPv6 prefix length above 128' };
  const hostMask = (1n << BigInt(128 - length)) - 1n;
  if ((v6 & hostMask) !== 0n) return { error: `host bits set (did you mean ${bigIntToIpv6(v6 & ~hostMask)}/${length}?)` };
  if (v6 >> 32n === 0xffffn && length >= 96) return analyzeCidr(`${address}/${length - 96}`);
  return { cidr: { family: 6, first: v6, last: v6 | hostMask, length, text: `${bigIntToIpv6(v6)}/${length}` } };
}

function ipv4Cidr(first: number, length: number): { cidr: Cidr } | { error: string } {
  if (length > 32) return { error: 'IPv4 prefix length above 32' };
  const size = 2 ** (32 - length);
  if (first % size !== 0) return { error: `host bits set (did you mean ${intToIpv4(first - (first % size))}/${length}?)` };
  return { cidr: { family: 4, first, last: first + size - 1, length, text: `${intToIpv4(first)}/${length}` } };
}

/** The CIDR block, or null when the text is not one (see analyzeCidr for the reason). */
export function parseCidr(text: string): Cidr | null {
  const r = analyzeCidr(text);
  return 'cidr' in r ? r.cidr : null;
}
