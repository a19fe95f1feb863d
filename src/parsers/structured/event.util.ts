import type { Category } from '../../domain/categories.js';
import type { NormalizedEvent } from '../../domain/event.js';
import { canonicalIp } from '../../domain/ip.js';

/** What a structured parser knows about one event before normalization. */
export interface EventDraft {
  category: Category;
  type: string;
  ip?: string | null;
  port?: number | string | null;
  url?: string | null;
  domain?: string | null;
  email?: string | null;
  occurredAt?: string | null;
  reporter?: string | null;
  evidence?: Record<string, unknown>;
}

export interface StructuredHints {
  filename?: string;
  contentType?: string;
  receivedAt?: string;
}

const MAX_EVIDENCE_KEYS = 40;
const MAX_EVIDENCE_STRING = 300;

/**
 * Evidence is stored with every event and shown to operators: keep the source's own fields but
 * never let one hostile report store megabytes per event.
 */
export function capEvidence(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null || value === '') continue;
    if (n++ >= MAX_EVIDENCE_KEYS) {
      out._truncated = true;
      break;
    }
    out[key.slice(0, 80)] = capValue(value, 0);
  }
  return out;
}

function capValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_EVIDENCE_STRING ? value.slice(0, MAX_EVIDENCE_STRING) + '…' : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (depth >= 2) return typeof value === 'object' ? '[…]' : String(value).slice(0, MAX_EVIDENCE_STRING);
  if (Array.isArray(value)) return value.slice(0, 10).map((v) => capValue(v, depth + 1));
  if (typeof value === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 20)) o[k.slice(0, 80)] = capValue(v, depth + 1);
    return o;
  }
  return String(value).slice(0, MAX_EVIDENCE_STRING);
}

const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[A-Z]{3,4})?$/i;

/** The zone abbreviations report tables actually use (Clean-MX writes CEST). */
const ZONES: Record<string, string> = { CET: '+01:00', CEST: '+02:00', EET: '+02:00', EEST: '+03:00', WET: 'Z', WEST: '+01:00', BST: '+01:00', EST: '-05:00', EDT: '-04:00', CST: '-06:00', CDT: '-05:00', MST: '-07:00', MDT: '-06:00', PST: '-08:00', PDT: '-07:00', JST: '+09:00' };

/**
 * A document's timestamp as ISO-8601 UTC, or null. Zone-less "YYYY-MM-DD hh:mm:ss" (Shadowserver,
 * many CSV feeds) is UTC by those feeds' own definition. Absurd years are rejected rather than
 * letting a typo put an event in 1970 or 9999.
 */
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DD hh:mm:ss" (UTC), the form of every Shadowserver row, without a Date: millions of rows per report. */
function fastIso(s: string): string | null {
  if (s.length !== 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s.charCodeAt(10) !== 32 && s.charCodeAt(10) !== 84) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const n = (a: number, b: number) => {
    let v = 0;
    for (let i = a; i < b; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  };
  const y = n(0, 4), mo = n(5, 7), d = n(8, 10), h = n(11, 13), mi = n(14, 16), se = n(17, 19);
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && !leap ? 28 : DAYS[mo - 1])) return null;
  return `${s.slice(0, 10)}T${s.slice(11)}.000Z`;
}

export function toIsoUtc(text: unknown): string | null {
  if (typeof text === 'string') {
    const fast = fastIso(text);
    if (fast) return fast;
  }
  if (typeof text === 'number' && Number.isFinite(text)) {
    // Epoch seconds (or milliseconds when too large to be seconds).
    const ms = text > 1e11 ? text : text * 1000;
    return plausible(new Date(ms));
  }
  if (typeof text !== 'string') return null;
  const s = text.trim();
  if (!s) return null;
  const m = ISO_LIKE.exec(s);
  if (m) {
    const z = m[8]?.toUpperCase();
    const zone = !z || /^(Z|UTC|GMT)$/.test(z) ? 'Z' : /^[A-Z]+$/.test(z) ? ZONES[z] : z.length === 5 ? `${z.slice(0, 3)}:${z.slice(3)}` : z;
    if (!zone) return null;
    const iso = `${m[1]}-${m[2]}-${m[3]}T${(m[4] ?? '00').padStart(2, '0')}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ? m[7].slice(0, 4) : ''}${zone}`;
    return plausible(new Date(iso));
  }
  if (/^\d{9,13}$/.test(s)) return toIsoUtc(Number(s));
  return plausible(new Date(s));
}

function plausible(d: Date): string | null {
  const t = d.getTime();
  if (!Number.isFinite(t)) return null;
  const y = d.getUTCFullYear();
  if (y < 1990 || y > 2100) return null;
  return d.toISOString();
}

/** A host name as events carry it: lower case, no trailing dot, or null when it is not one. */
export function normalizeDomain(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  let s = text.trim().toLowerCase().replace(/\.$/, '');
  if (s.startsWith('*.')) s = s.slice(2);
  if (!s || s.length > 253 || canonicalIp(s)) return null;
  if (!/^[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/.test(s) || !s.includes('.')) return null;
  return s;
}

/** The host part of a URL (name or literal IP), or null. */
export function urlHost(url: string): string | null {
  const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(url.trim());
  return m ? m[1].toLowerCase() : null;
}

function portOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,5}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
}

/** Normalizes one draft into the public event shape. */
export function makeEvent(d: EventDraft, hints: StructuredHints, evidenceIsSmall = false): NormalizedEvent {
  const ip = d.ip ? canonicalIp(String(d.ip)) : null;
  let url = typeof d.url === 'string' && d.url.trim() ? d.url.trim().slice(0, 2048) : null;
  if (url && !/^[a-z][a-z0-9+.-]*:/i.test(url) && /^[^\s/]+\.[^\s/]+/.test(url)) url = `http://${url}`;
  const host = url ? urlHost(url) : null;
  const domain = normalizeDomain(d.domain) ?? (host ? normalizeDomain(host) : null);
  // A URL on a literal address names that address as the resource.
  const ipOut = ip ?? (host ? canonicalIp(host) : null);
  const email = typeof d.email === 'string' && /^[^\s@]+@[^\s@]+$/.test(d.email.trim()) ? d.email.trim().toLowerCase() : null;
  return {
    category: d.category,
    type: d.type,
    ip: ipOut,
    port: portOf(d.port),
    url,
    domain,
    email,
    occurredAt: toIsoUtc(d.occurredAt) ?? toIsoUtc(hints.receivedAt) ?? '',
    reporter: d.reporter ? String(d.reporter).slice(0, 200) : null,
    evidence: evidenceIsSmall ? (d.evidence ?? {}) : capEvidence(d.evidence ?? {}),
  };
}
