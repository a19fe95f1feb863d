import type { Category } from '../domain/categories.js';
import type { NormalizedEvent } from '../domain/event.js';
import { classifyText } from './classify.js';
import { makeEvent, type EventContext } from './event.js';
import { findIps, findUrls, refang } from './extract.js';
import { decodeCharset } from './mail/charset.js';
import { parseMailDate } from './mail/dates.js';
import { Headers, parseHeaderSection } from './mail/headers.js';
import type { MailMessage } from './mime.js';
import { receivedOrigin } from './received.js';

/**
 * ARF feedback reports (RFC 5965, RFC 6650, RFC 6591 auth-failure) and the pre-standard
 * variants seen in the wild: Version 0.1/1.0/1, Received-Date instead of Arrival-Date, the
 * feedback fields in a text/plain part instead of message/feedback-report, the original message
 * as message/rfc822 or only text/rfc822-headers, several feedback parts in one mail.
 */

export interface ArfOutcome {
  events: NormalizedEvent[];
  notActionable?: boolean;
  error?: string;
}

const FIELD_LINE = /^(Feedback-Type|User-Agent|Version|Source-IP|Arrival-Date|Received-Date|Reported-Domain|Reported-Uri|Original-Mail-From|Original-Rcpt-To|Incidents|Source-Port|Auth-Failure|Reporting-MTA|Abuse-Type|Original-Envelope-Id|Removal-Recipient)\s*:/im;

/** The text of the feedback-report fields of a mail, or null when it carries none. */
export function findFeedbackFields(mail: MailMessage): Headers | null {
  const blocks: string[] = [];
  for (const a of mail.attachments) {
    if (a.contentType === 'message/feedback-report') blocks.push(decodeCharset(a.content, a.charset));
  }
  if (!blocks.length) {
    // Pre-standard senders put the fields in a text part: accept only a block that names a
    // Feedback-Type together with another ARF field, so prose mentioning the words is not mistaken.
    const texts = [mail.text, ...mail.attachments.filter((a) => a.contentType.startsWith('text/plain')).map((a) => decodeCharset(a.content, a.charset))];
    for (const t of texts) {
      const m = /^Feedback-Type:[ \t]*[\w-]+[ \t]*$/im.exec(t);
      if (!m) continue;
      const block = t.slice(m.index).split(/\r?\n\s*\r?\n/)[0];
      const fields = block.split(/\r?\n/).filter((l) => FIELD_LINE.test(l)).length;
      if (fields >= 2) blocks.push(block);
    }
  }
  if (!blocks.length) return null;
  const all = blocks.map((b) => parseHeaderSection(b.replace(/^\s+/, '')).fields).flat();
  return all.length ? new Headers(all) : null;
}

function categoryFor(feedbackType: string, humanText: string, subject: string): { category: Category; type: string } {
  switch (feedbackType) {
    case 'fraud':
      return { category: 'phishing', type: 'fraud' };
    case 'virus':
      return { category: 'malware', type: 'virus' };
    case 'auth-failure':
    case 'dmarc':
      return { category: 'spam', type: 'auth-failure' };
    case 'abuse':
    case 'not-spam':
    case '':
      return { category: 'spam', type: feedbackType === 'not-spam' ? 'not-spam' : 'fbl' };
    default: {
      // "other" and unknown types: the human-readable part says what it is; spam is the norm.
      const c = classifyText(humanText, subject);
      return c && c.score >= 4 ? { category: c.category, type: feedbackType || c.type } : { category: 'spam', type: feedbackType || 'fbl' };
    }
  }
}

export function parseArf(mail: MailMessage, ctx: EventContext): ArfOutcome | null {
  const fields = findFeedbackFields(mail);
  if (!fields) return null;
  const feedbackType = (fields.get('feedback-type') ?? '').toLowerCase().trim();
  // XARF carried in an ARF envelope: the attached JSON document is the report.
  if (feedbackType === 'xarf') return null;
  if (/^(opt-?out|opt-out-list|unsubscribe)$/.test(feedbackType)) {
    return { events: [], notActionable: true };
  }
  const original = mail.embedded[0];
  const originalHeaders = original?.headers ?? mail.rfc822Headers[0] ?? null;
  const ownDomains = [ctx.reporter?.split('@')[1] ?? '', fields.get('reporting-mta')?.replace(/^dns;\s*/i, '') ?? ''];
  const chain = originalHeaders ? receivedOrigin(originalHeaders, ownDomains) : { origin: null, ips: [] };
  const sourceIp = findIps(fields.get('source-ip') ?? '')[0] ?? null;
  const ip = sourceIp ?? chain.origin;
  const when =
    parseMailDate(fields.get('arrival-date')) ??
    parseMailDate(fields.get('received-date')) ??
    parseMailDate(originalHeaders?.get('date')) ??
    null;
  const { category, type } = categoryFor(feedbackType, mail.text, mail.subject);
  const reportedDomains = fields.getAll('reported-domain').map((d) => d.trim().toLowerCase()).filter(Boolean);
  const reportedUris = fields.getAll('reported-uri').flatMap((u) => findUrls(refang(u)));
  const evidence = {
    format: 'arf',
    feedbackType: feedbackType || undefined,
    userAgent: fields.get('user-agent') ?? undefined,
    version: fields.get('version') ?? undefined,
    originalMailFrom: fields.get('original-mail-from') ?? undefined,
    originalSubject: original?.subject || originalHeaders?.get('subject') || undefined,
    reportedDomains: reportedDomains.length ? reportedDomains : undefined,
    authFailure: fields.get('auth-failure') ?? undefined,
    receivedIps: chain.ips.length ? chain.ips : undefined,
    ipSource: sourceIp ? 'Source-IP' : chain.origin ? 'Received' : undefined,
    excerpt: mail.text.slice(0, 1024),
  };
  const events: NormalizedEvent[] = [];
  if (ip || reportedDomains.length || !reportedUris.length) {
    events.push(makeEvent({ category, type, ip, domain: reportedDomains[0] ?? null, port: fields.get('source-port'), occurredAt: when, evidence }, ctx));
  }
  for (const d of reportedDomains.slice(1, 20)) {
    events.push(makeEvent({ category, type, ip, domain: d, occurredAt: when, evidence }, ctx));
  }
  for (const url of reportedUris.slice(0, 50)) {
    events.push(makeEvent({ category, type: 'reported-uri', url, occurredAt: when, evidence }, ctx));
  }
  return { events };
}
