import type { NormalizedEvent } from '../domain/event.js';
import { parseArf } from './arf.parser.js';
import { classifyText } from './classify.js';
import type { EventContext } from './event.js';
import { parseFreetext } from './freetext.parser.js';
import { decodeCharset } from './mail/charset.js';
import { MimeLimitError, looksLikeMail, parseMail, type MailMessage } from './mime.js';
import { deliveryStatusReason, notAReportReason } from './not-a-report.js';
import { parseMailFormats } from './formats.js';
import { structuredParts } from './attachments.js';
import { parseSpamcop } from './spamcop.parser.js';
import { parseStructured } from './structured/index.js';
import type { ParseHints, ParseResult } from './types.js';
import { parseXarfMail } from './xarf-mail.parser.js';

export type { ParseHints, ParseResult } from './types.js';

/** Reports larger than this are refused whole; a real report is a few megabytes at most. */
export const MAX_REPORT_BYTES = 40 * 1024 * 1024;
/** Embedded messages are followed this deep when a forwarded mail wraps the real report. */
const MAX_FORWARD_DEPTH = 3;

function fail(format: string, error: string): ParseResult {
  return { format, events: [], error };
}

/**
 * The one entry point: raw report bytes -> format, normalized events, or a clear error.
 * Detection is by content only: structured documents first (XARF JSON, ACNS, CSV feeds, IODEF,
 * zip), then Internet mail and the formats carried in it, then free text. Never throws.
 */
export async function parseReport(bytes: Uint8Array, hints: ParseHints = {}): Promise<ParseResult> {
  try {
    if (!(bytes instanceof Uint8Array)) return fail('unknown', 'report is not a byte array');
    if (bytes.length === 0) return fail('unknown', 'empty report');
    if (bytes.length > MAX_REPORT_BYTES) return fail('unknown', `report of ${bytes.length} bytes exceeds the ${MAX_REPORT_BYTES / 1048576} MiB limit`);
    bytes = crOnlyToLf(bytes);
    const mailLike = looksLikeMail(bytes);
    if (!mailLike) {
      const structured = await parseStructured(bytes, { filename: hints.filename, receivedAt: hints.receivedAt });
      if (structured) return structured;
      return await parseLooseText(bytes, hints);
    }
    let mail: MailMessage;
    try {
      mail = parseMail(bytes);
    } catch (err) {
      if (err instanceof MimeLimitError) return fail('mail', `hostile or malformed MIME structure refused: ${err.message}`);
      throw err;
    }
    return await parseMailReport(mail, hints, 0);
  } catch (err) {
    return fail('unknown', `parser failure: ${(err as Error)?.message ?? String(err)}`);
  }
}

/**
 * Mail saved on classic Mac OS (and some mailbox exporters) ends its lines with a bare CR. With no
 * LF at all in the head, every reader would see one endless header line, so bare CRs become LFs.
 */
function crOnlyToLf(bytes: Uint8Array): Uint8Array {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0x0a) || !head.includes(0x0d)) return bytes;
  // Text only: a small zip or other binary may hold CRs and no LF by chance.
  for (const b of head) if (b < 0x09 || (b > 0x0d && b < 0x20)) return bytes;
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) if (out[i] === 0x0d) out[i] = 0x0a;
  return out;
}

function contextFor(mail: MailMessage, hints: ParseHints): EventContext {
  return {
    reporter: mail.from ?? mail.fromName ?? null,
    fallbackTime: hints.receivedAt ?? mail.date ?? null,
    subject: mail.subject.slice(0, 300),
  };
}

async function parseMailReport(mail: MailMessage, hints: ParseHints, depth: number): Promise<ParseResult> {
  const ctx = contextFor(mail, hints);
  const dsn = deliveryStatusReason(mail);
  if (dsn) return { format: 'dsn', events: [], error: null, notActionable: true, notActionableReason: dsn };

  const spamcop = parseSpamcop(mail, ctx);
  if (spamcop) return spamcop;

  const arf = parseArf(mail, ctx);
  if (arf) {
    if (arf.notActionable) return { format: 'arf', events: [], error: null, notActionable: true, notActionableReason: 'ARF opt-out / unsubscribe feedback' };
    if (arf.events.length) return { format: 'arf', events: arf.events, error: null };
  }

  const xarf = parseXarfMail(mail, ctx);
  if (xarf?.length) return { format: 'x-arf', events: xarf, error: null };

  // Structured documents attached or inline (XARF JSON, ACNS XML, CSV feeds, IODEF, zip).
  const structuredEvents: NormalizedEvent[] = [];
  const structuredErrors: string[] = [];
  const formats = new Set<string>();
  for (const part of structuredParts(mail)) {
    const r = await parseStructured(part.content, { filename: part.filename ?? undefined, contentType: part.contentType, receivedAt: ctx.fallbackTime ?? undefined });
    if (!r) continue;
    formats.add(r.format);
    if (r.error) structuredErrors.push(r.error);
    for (const e of r.events) structuredEvents.push({ ...e, reporter: e.reporter ?? ctx.reporter });
  }
  if (structuredEvents.length) {
    // Rows that say nothing of their kind (a bare address list attached to a notice) take the
    // kind the notice's own words give.
    if (structuredEvents.some((e) => e.category === 'unclassified')) {
      const words = classifyText((mail.text || mail.htmlText).slice(0, 20_000), mail.subject);
      if (words && words.score >= 3) {
        for (let i = 0; i < structuredEvents.length; i++) {
          const e = structuredEvents[i];
          if (e.category === 'unclassified') structuredEvents[i] = { ...e, category: words.category, type: words.type };
        }
      }
    }
    return { format: [...formats].join('+'), events: structuredEvents, error: null };
  }

  const known = parseMailFormats(mail, ctx);
  if (known) return known;

  const notReport = notAReportReason(mail);
  if (notReport) return { format: 'not-a-report', events: [], error: null, notActionable: true, notActionableReason: notReport };

  // A forward of the original report: parse the embedded mail as the report. Only a recognized
  // format inside wins; a forwarded spam or complaint is read below with the forwarder as
  // reporter (the free-text reader includes the embedded text). A machine-readable report
  // (ARF, X-ARF, SpamCop...) wins however much the forwarder wrote around it (signatures,
  // disclaimers); a not-a-report inside only when the forward adds little of its own.
  if (depth < MAX_FORWARD_DEPTH && mail.embedded.length >= 1 && mail.embedded.length <= 3) {
    const bare = mail.embedded.length === 1 && isBareForward(mail);
    for (const embedded of mail.embedded) {
      const inner = await parseMailReport(embedded, hints, depth + 1);
      if (inner.events.length && inner.format !== 'freetext' && inner.format !== 'direct-spam' && inner.format !== 'text') return inner;
      if (bare && inner.notActionable) return inner;
    }
  }
  // A wrapper around the report itself (certified-mail gateways, signing relays, a resend): the
  // embedded message was written to the same recipient as the wrapper, so it is the complaint,
  // not a forwarded spam (that one was addressed to the complainant).
  if (depth < MAX_FORWARD_DEPTH) {
    const outer = recipients(mail);
    const wrapped = outer.size ? mail.embedded.find((m) => [...recipients(m)].some((a) => outer.has(a))) : undefined;
    if (wrapped) {
      const inner = await parseMailReport(wrapped, hints, depth + 1);
      if (inner.events.length || inner.notActionable) return inner;
    }
  }
  // A broken attached document (e.g. invalid XARF JSON) does not make the mail unreadable: the
  // text still names the resources; the document's error travels in the evidence.
  const evidence = structuredErrors.length ? { structuredError: structuredErrors.join('; ').slice(0, 500) } : undefined;
  // Mail that says nothing to the desk at all (no request, no report words, nothing forwarded)
  // is itself the unsolicited mail, e.g. spam sent straight to abuse@ or to a trap: its own
  // Received chain names the sender.
  const direct =
    !mail.embedded.length &&
    !mail.rfc822Headers.length &&
    !mail.attachments.some((a) => /json|xml|csv|yaml|feedback-report/.test(a.contentType)) &&
    !REPORT_WORDS.test(mail.subject + '\n' + (mail.text || mail.htmlText).slice(0, 20_000)) &&
    (classifyText((mail.text || mail.htmlText).slice(0, 20_000), mail.subject)?.score ?? 0) < 3;
  const options = direct ? { evidence, topLevelIsEvidence: true, defaultCategory: 'spam' as const } : { evidence };
  return { format: direct ? 'direct-spam' : 'freetext', events: parseFreetext(mail, ctx, options), error: null };
}

const REPORT_WORDS = /abuse|report|complain|infring|violat|attack|spam|phish|malware|notice|notif|please|kindly|take\s*down|remove|suspend|investigat|incident|beschwerde|missbrauch|signal|segnala|denuncia|plainte/i;

function recipients(mail: MailMessage): Set<string> {
  const raw = `${mail.headers.get('to') ?? ''},${mail.headers.get('cc') ?? ''}`.slice(0, 4000);
  return new Set([...raw.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)].map((m) => m[0].toLowerCase()));
}

/** A forward that adds little of its own: the real report is the embedded message. */
function isBareForward(mail: MailMessage): boolean {
  const own = (mail.text || mail.htmlText).replace(/\s+/g, ' ').trim();
  return own.length < 600;
}

/** A file that is neither mail nor a structured document: read it as a body without headers. */
async function parseLooseText(bytes: Uint8Array, hints: ParseHints): Promise<ParseResult> {
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of sample) if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++;
  if (control > 0) return fail('unknown', 'unrecognized binary content: neither mail nor a known report format');
  // A header-less text is a mail with an empty header section: the same readers apply
  // (a bare X-ARF report.txt, a pasted SpamCop report, a complaint saved as .txt).
  const mail = parseMail(Buffer.concat([Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\n'), bytes]));
  const r = await parseMailReport(mail, hints, 0);
  return r.format === 'freetext' || r.format === 'direct-spam' ? { ...r, format: 'text' } : r;
}
