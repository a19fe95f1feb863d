import { canonicalIp, parseCidr } from '../domain/ip.js';
import type { CaseSearch, Cursor } from '../storage/repositories/console.repository.js';

export class SearchError extends Error {}

/**
 * The canonical texts of every address in an IPv4 CIDR as [from, to) text ranges. Canonical
 * dotted quads of one block share their leading octets, so a /n is at most 128 prefix ranges
 * ('192.0.2.' up to '192.0.2/': '/' follows '.' in ASCII), each an index range scan.
 */
export function ipv4TextRanges(first: number, length: number): { from: string; to: string }[] {
  if (length < 8) throw new SearchError('an IPv4 block wider than /8 is too wide to search; narrow it');
  const octets = [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255];
  const whole = Math.floor(length / 8);
  if (whole === 4) {
    const ip = octets.join('.');
    return [{ from: ip, to: ip }];
  }
  const rest = length % 8;
  const fixed = octets.slice(0, whole).join('.');
  if (rest === 0) return [{ from: `${fixed}.`, to: `${fixed}/` }];
  const out: { from: string; to: string }[] = [];
  const start = octets[whole];
  for (let v = start; v < start + 2 ** (8 - rest); v++) {
    const prefix = `${fixed}.${v}`;
    if (whole === 3) out.push({ from: prefix, to: prefix });
    else out.push({ from: `${prefix}.`, to: `${prefix}/` });
  }
  return out;
}

/** An IP or CIDR as the resource ranges of cases keyed by address, plus the exact address for events. */
export function ipFilter(text: string): Pick<CaseSearch, 'resourceRanges' | 'eventIp'> {
  const t = text.trim();
  if (!t.includes('/')) {
    const ip = canonicalIp(t);
    if (!ip) throw new SearchError(`"${t}" is not an IP address or CIDR block`);
    return { resourceRanges: [{ from: ip, to: ip }], eventIp: ip };
  }
  const cidr = parseCidr(t);
  if (!cidr) throw new SearchError(`"${t}" is not a CIDR block`);
  if (cidr.family === 4) return { resourceRanges: ipv4TextRanges(cidr.first, cidr.length) };
  // IPv6 canonical text (RFC 5952) does not keep prefixes aligned; only a single address is exact.
  if (cidr.length === 128) {
    const ip = canonicalIp(cidr.text.split('/')[0])!;
    return { resourceRanges: [{ from: ip, to: ip }], eventIp: ip };
  }
  throw new SearchError('IPv6 search takes a single address, not a block');
}

export interface SearchParams {
  q?: string;
  ip?: string;
  domain?: string;
  customer?: string;
  reporter?: string;
  category?: string;
  status?: string;
  from?: string;
  to?: string;
}

/**
 * The console's search form as repository filters. `q` is read by its shape: an IP or CIDR, an
 * e-mail address (a reporter), a domain name, a case number, else a customer id.
 */
export function searchFilter(p: SearchParams): CaseSearch {
  const f: CaseSearch = {};
  const q = p.q?.trim();
  if (q) {
    if (/^#?\d+$/.test(q)) f.caseIds = [Number(q.replace('#', ''))];
    else if (canonicalIp(q) || /^[\d.]+\/\d+$/.test(q) || (q.includes(':') && q.includes('/'))) Object.assign(f, ipFilter(q));
    else if (q.includes('@')) f.reporter = q.toLowerCase();
    else if (/^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i.test(q)) Object.assign(f, domainFilter(q));
    else f.customerId = q;
  }
  if (p.ip) Object.assign(f, ipFilter(p.ip));
  if (p.domain) Object.assign(f, domainFilter(p.domain));
  if (p.customer) f.customerId = p.customer.trim();
  if (p.reporter) f.reporter = p.reporter.trim().toLowerCase();
  if (p.category) f.category = p.category;
  if (p.status) f.status = p.status;
  if (p.from) f.from = isoBound(p.from, 'from');
  if (p.to) f.to = isoBound(p.to, 'to');
  return f;
}

function domainFilter(text: string): Pick<CaseSearch, 'resource' | 'eventDomain'> {
  const d = text.trim().toLowerCase().replace(/\.$/, '');
  return { resource: d, eventDomain: d };
}

/** A date (2024-05-01) or a full ISO time as the sortable UTC text the database holds. */
function isoBound(text: string, name: string): string {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(t)) throw new SearchError(`${name}: "${text}" is not a date`);
  return new Date(t).toISOString();
}

/** Keyset cursors travel as opaque base64url text. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && typeof id === 'number' && Number.isInteger(id)) return { at, id };
  } catch {
    // fall through
  }
  throw new SearchError('the cursor is not one this server gave out');
}
