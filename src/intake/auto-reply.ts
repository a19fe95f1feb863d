import { addressOf, parseHeaderSection, splitHeaderBody } from '../parsers/mail/headers.js';

/**
 * Whether a report may be answered automatically, per RFC 3834: never to mail that is itself
 * automatic (Auto-Submitted), bulk or list mail (Precedence, List-*), a bounce (null sender) or a
 * no-reply address. Answering those makes loops and spams lists.
 */
export type AckDecision = { to: string } | { skip: string };

const NO_REPLY = /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]daemon|postmaster|bounces?|notifications?|auto[-_.]?reply)(?:[-+_.][^@]*)?@/i;
const HEAD_LIMIT = 128 * 1024;

export function isNoReplyAddress(address: string): boolean {
  return NO_REPLY.test(address) || /^bounce[s]?[-+=.]/i.test(address);
}

/**
 * @param envelopeSender the SMTP MAIL FROM: '' is the null sender (a bounce), undefined = unknown (not SMTP).
 * @param contact an address the reporter gave outside the mail headers (form, API); used instead of From.
 */
export function ackDecision(raw: Uint8Array | null, opts: { envelopeSender?: string; contact?: string | null; ownAddresses?: readonly string[] } = {}): AckDecision {
  if (opts.envelopeSender === '') return { skip: 'null envelope sender (a bounce)' };
  let to = opts.contact ?? null;
  if (raw && raw.length) {
    const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.length, HEAD_LIMIT)).toString('latin1');
    if (/^[!-9;-~]+:/.test(head)) {
      const h = parseHeaderSection(splitHeaderBody(head)[0]);
      const auto = h.get('auto-submitted');
      if (auto && !/^no\b/i.test(auto)) return { skip: `Auto-Submitted: ${auto}` };
      const precedence = h.get('precedence');
      if (precedence && /^(bulk|junk|list)\b/i.test(precedence)) return { skip: `Precedence: ${precedence}` };
      const list = h.fields.find((f) => f.name.startsWith('list-'));
      if (list) return { skip: `mailing-list header ${list.name}` };
      const suppress = h.get('x-auto-response-suppress');
      if (suppress && /\b(all|autoreply|oof)\b/i.test(suppress)) return { skip: `X-Auto-Response-Suppress: ${suppress}` };
      if (h.get('return-path')?.trim() === '<>') return { skip: 'null Return-Path (a bounce)' };
      to ??= addressOf(h.get('reply-to')) ?? addressOf(h.get('from'));
    }
  }
  if (!to) return { skip: 'no reporter address' };
  to = to.trim();
  if (!/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(to)) return { skip: `not a deliverable address: ${to.slice(0, 100)}` };
  if (isNoReplyAddress(to)) return { skip: `no-reply sender ${to}` };
  if (opts.envelopeSender && isNoReplyAddress(opts.envelopeSender)) return { skip: `no-reply envelope sender ${opts.envelopeSender}` };
  const own = (opts.ownAddresses ?? []).map((a) => a.toLowerCase());
  if (own.includes(to.toLowerCase())) return { skip: 'the sender is AbuseDesk itself' };
  return { to };
}

/**
 * Formats that machines write: feedback loops, feeds, XARF, spam traps, and spam sent straight to
 * abuse@. RFC 3834 counts them as automatic even without an Auto-Submitted header; answering a
 * feed spams its robot, answering spam hits a forged sender (backscatter).
 */
const AUTOMATIC_FORMATS = new Set(['arf', 'x-arf', 'xarf-v3', 'xarf-v4', 'iodef', 'acns', 'spamcop', 'shadowserver-csv', 'csv-table', 'csv-stream', 'dmarc-aggregate', 'honeypot-digest', 'safebrowsing-xml', 'google-safebrowsing', 'spam-trap', 'direct-spam', 'download-notice']);

/**
 * Why a parsed mail must not be acknowledged, or null. Only for what arrived as mail: a form or
 * API submission is stored in a machine format but written by the person who gave its contact.
 */
export function automaticReport(r: { channel: string; status: string; format: string | null; meta?: Record<string, unknown> }): string | null {
  const asMail = r.channel === 'smtp' || r.channel === 'imap' || (r.channel === 'api' && r.meta?.kind === 'message');
  if (!asMail) return null;
  if (r.status === 'not-actionable') return 'not a report (bounce, auto-reply or opt-out)';
  const machine = (r.format ?? '').split('+').find((f) => AUTOMATIC_FORMATS.has(f));
  return machine ? `machine-made report (${machine})` : null;
}
