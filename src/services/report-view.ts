import { createHash } from 'node:crypto';
import { looksLikeMail, parseMail } from '../parsers/mime.js';
import { decodeWords } from '../parsers/mail/charset.js';
import type { ReportSummary } from '../storage/repositories/report.repository.js';
import { presentReport } from './presenters.js';

// What an operator's page gets of a hostile report: bounded, plain text. The browser is told to
// treat it as text (JSON strings, rendered as text nodes); nothing here is ever HTML.
const MAX_HEADERS = 300;
const MAX_HEADER_VALUE = 4000;
const MAX_BODY = 256 * 1024;
const MAX_ATTACHMENTS = 200;

export interface ReportView {
  headers: { name: string; value: string }[];
  body: string;
  bodyTruncated: boolean;
  attachments: { filename: string | null; contentType: string; size: number; sha256: string }[];
  authentication: { spf: string | null; dkim: string | null; dmarc: string | null; header: string | null; error: string | null };
  parseError: string | null;
}

/** Strips control characters other than tab and newline, so text stays text on every terminal and page. */
export function safeText(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => (c === '\r' ? '\n' : '\ufffd'));
  return clean.length > max ? clean.slice(0, max) : clean;
}

function authFromHeader(header: string | null): { spf: string | null; dkim: string | null; dmarc: string | null } {
  const pick = (name: string) => (header?.match(new RegExp(`\\b${name}=(\\w+)`, 'i'))?.[1] ?? null)?.toLowerCase() ?? null;
  return { spf: pick('spf'), dkim: pick('dkim'), dmarc: pick('dmarc') };
}

/** The original report as an operator sees it: headers, readable body, attachment list, SPF/DKIM/DMARC, SHA-256. */
export function viewReport(summary: ReportSummary, raw: Buffer) {
  const base = presentReport(summary);
  const meta = base.meta as { authentication?: { spf?: { result?: string } | null; dkim?: { result?: string }[]; dmarc?: { result?: string } | null; header?: string | null; error?: string | null } };
  const view: ReportView = {
    headers: [],
    body: '',
    bodyTruncated: false,
    attachments: [],
    authentication: { spf: null, dkim: null, dmarc: null, header: null, error: null },
    parseError: null,
  };
  if (looksLikeMail(raw)) {
    try {
      const mail = parseMail(raw);
      view.headers = mail.headers.fields.slice(0, MAX_HEADERS).map((f) => ({ name: safeText(f.name, 200), value: safeText(decodeWords(f.value), MAX_HEADER_VALUE) }));
      const text = mail.text || mail.htmlText;
      view.body = safeText(text, MAX_BODY);
      view.bodyTruncated = text.length > MAX_BODY;
      view.attachments = mail.attachments.slice(0, MAX_ATTACHMENTS).map((a) => ({
        filename: a.filename === null ? null : safeText(a.filename, 500),
        contentType: safeText(a.contentType, 200),
        size: a.content.byteLength,
        sha256: createHash('sha256').update(a.content).digest('hex'),
      }));
      const own = authFromHeader(mail.headers.get('authentication-results'));
      view.authentication = { ...own, header: mail.headers.get('authentication-results'), error: null };
    } catch (err) {
      view.parseError = err instanceof Error ? err.message : String(err);
    }
  }
  if (!view.headers.length && !view.body) {
    const text = raw.subarray(0, MAX_BODY).toString('utf8');
    view.body = safeText(text, MAX_BODY);
    view.bodyTruncated = raw.length > MAX_BODY;
  }
  // What our own intake verified outranks what the mail claims about itself.
  const a = meta.authentication;
  if (a) {
    const dkim = a.dkim?.length ? a.dkim.map((d) => d.result ?? 'none').join(', ') : null;
    view.authentication = { spf: a.spf?.result ?? null, dkim, dmarc: a.dmarc?.result ?? null, header: a.header ?? null, error: a.error ?? null };
  }
  return { ...base, ...view };
}
