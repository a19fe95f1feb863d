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
