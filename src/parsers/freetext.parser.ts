import type { Category } from '../domain/categories.js';
import type { NormalizedEvent } from '../domain/event.js';
import { classifyLabel, classifyText } from './classify.js';
import { makeEvent, type EventContext } from './event.js';
import { baseDomain, stripBoilerplate, findDomains, findEmails, findIps, findUrls, hostOf, refang } from './extract.js';
import { decodeCharset } from './mail/charset.js';
import { parseHeaderSection, type Headers } from './mail/headers.js';
import type { MailMessage } from './mime.js';
import { receivedOrigin } from './received.js';

/**
 * The fallback for human-written complaints and anything no format parser claimed: the
 * resources named in the text (IPs, URLs, host names, e-mail addresses, defanged or not), the
 * category read from the words, and for forwarded spam the sending host from the forwarded
 * message's Received chain. Nothing is dropped: with no category it is `unclassified`.
 */

const MAX_EVENTS = 5000;
const MAX_TEXT = 400_000;

// Hosts that appear in every mail's boilerplate and never name the abuse.
const NOISE_DOMAINS = new Set([
  'w3.org', 'schema.org', 'microsoft.com', 'xmlsoap.org', 'purl.org', 'ietf.org', 'rfc-editor.org', 'iana.org',
  'openxmlformats.org', 'adobe.com', 'mozilla.org', 'apache.org', 'gstatic.com', 'googleapis.com',
  // Registries and lookup services quoted in automatic reports (WHOIS, contact databases).
  'ripe.net', 'arin.net', 'apnic.net', 'lacnic.net', 'afrinic.net', 'abusix.com', 'abuseipdb.com', 'iana.net',
]);

// A type label the sender wrote itself, in JSON or "Key: value" form.
const LABEL_FIELD = /(?:"(?:ReportType|ReportSubType|report_type|Category|category|type|Type|abuse_type|classification)"\s*:\s*"([^"]{2,60})"|^\s*(?:Report-Type|Abuse-Type|Incident-Type|Type of abuse|Abuse type|Category|Classification)\s*:\s*([^\n]{2,60})$)/gim;

/** The category from labels the sender put in the text, when they name one clearly. */
function labelledCategory(text: string) {
  for (const m of text.slice(0, 100_000).matchAll(LABEL_FIELD)) {
    // A label is the sender's explicit statement: any rule it matches decides.
    const c = classifyLabel((m[1] ?? m[2]).trim());
    if (c) return { ...c, score: Math.max(c.score, 10) };
  }
  return null;
}

/** All readable text of a mail: subject, body, text attachments, embedded messages, bounded. */
export function readableText(mail: MailMessage, budget = MAX_TEXT, depth = 0): string {
  const parts: string[] = [mail.subject, mail.text];
  if (mail.html && !mail.text.includes(mail.htmlText.slice(0, 200))) parts.push(mail.htmlText);
  for (const a of mail.attachments) {
    if (/^text\/(plain|csv|html|x-log|xml)|^application\/(octet-stream|x-log|txt|json|xml)$|^message\/(feedback-report|delivery-status)$/.test(a.contentType) && a.content.length < 2_000_000) {
      const t = decodeCharset(a.content, a.charset);
      // Binary attachments labelled as octet-stream are skipped: they would only yield noise.
      // eslint-disable-next-line no-control-regex
      if (!/[\x00-\x08\x0e-\x1f]/.test(t.slice(0, 2000))) parts.push(a.contentType === 'text/html' ? t.replace(/<[^>]{0,2000}>/g, ' ') : t);
    }
  }
  if (depth < 3) {
    for (const m of mail.embedded) parts.push(readableText(m, budget, depth + 1));
  }
  const text = parts.filter(Boolean).join('\n');
  return text.length > budget ? text.slice(0, budget) : text;
}

/** Header blocks of spam pasted inline into a body ("Received: from ..." lines). */
function inlineForwardedHeaders(text: string): Headers | null {
  const i = text.search(/^[ >]*Received:\s+from\s/im);
  if (i < 0) return null;
  const block = text.slice(i, i + 20_000).split(/\r?\n\s*\r?\n/)[0].replace(/^[ >]+/gm, '');
  const h = parseHeaderSection(block);
  return h.getAll('received').length ? h : null;
}

const DESTINATION_BEFORE = /((\bdst(ip)?|destination(\s+ip)?|\btarget(\s+ip)?|victim(\s+ip)?|attack_target|abused_proxy_ip|dpt|=>|->|→)\s*[:=]?\s*\[?|\b(our|my)\s+(own\s+)?(servers?|ip|ip\s+address|hosts?|systems?|honeypots?|sensors?|mail\s*servers?)\b[^\n]{0,14})$/i;

/** Is every mention of this address in a destination position ("DST=", "=> ip", "target: ip")? */
function onlyAsDestination(text: string, ip: string): boolean {
  let from = 0;
  let seen = 0;
  for (;;) {
    const i = text.indexOf(ip, from);
    if (i < 0) break;
    from = i + ip.length;
    // Skip longer numbers that merely contain this one (1.2.3.4 inside 11.2.3.45).
    if (/[\d.]/.test(text[i - 1] ?? '') || /\d/.test(text[from] ?? '')) continue;
    seen++;
    if (!DESTINATION_BEFORE.test(text.slice(Math.max(0, i - 30), i))) return false;
    if (seen > 50) break;
  }
  return seen > 0;
}

export interface FreetextOptions {
  /** Facts to add to every event's evidence (e.g. why a structured attachment was not usable). */
  evidence?: Record<string, unknown>;
  /** A category to use when the words say nothing (e.g. a spam trap knows it is spam). */
  defaultCategory?: Category;
  /** Use the top-level mail's own Received chain: the mail itself is the evidence (spam trap). */
  topLevelIsEvidence?: boolean;
}

export function parseFreetext(mail: MailMessage, ctx: EventContext, options: FreetextOptions = {}): NormalizedEvent[] {
  const raw = readableText(mail);
  const text = stripBoilerplate(refang(raw));
  const subject = refang(mail.subject);
  // The reporter's own words outweigh the content they forward (a forwarded spam may talk
  // about "hacked accounts"; the complaint around it says "spam").
  const forwardAt = mail.embedded.length ? -1 : text.search(/^[ >]*(Received:\s+from\s|-{3,}\s*(Original Message|Forwarded message)|Begin forwarded message)/im);
  const ownWords = mail.embedded.length ? stripBoilerplate(refang(mail.text || mail.htmlText)) : forwardAt > 0 ? text.slice(0, forwardAt) : '';
  const own = ownWords ? classifyText(ownWords, subject) : null;
  const guess = labelledCategory(text) ?? (own && own.score >= 3 ? own : null) ?? classifyText(text, subject);
  const reporterDomain = ctx.reporter?.includes('@') ? baseDomain(ctx.reporter.split('@')[1]) : null;
  const ownHost = (h: string | null) => !!h && (NOISE_DOMAINS.has(baseDomain(h)) || (reporterDomain !== null && baseDomain(h) === reporterDomain));

  // Forwarded spam: the bottom-most public hop of the forwarded message's chain.
  const forwarded = mail.embedded[0]?.headers ?? mail.rfc822Headers[0] ?? inlineForwardedHeaders(raw) ?? (options.topLevelIsEvidence ? mail.headers : null);
  // In a direct delivery the From domain is the sender's, not a reporter's own infrastructure.
  const ownInfra = reporterDomain && forwarded !== mail.headers ? [reporterDomain] : [];
  const chain = forwarded ? receivedOrigin(forwarded, ownInfra) : { origin: null, ips: [] };
  const isForwardedMail = !!forwarded && (chain.origin !== null || chain.ips.length > 0);

  let category: Category = guess && guess.score >= 3 ? guess.category : options.defaultCategory ?? (isForwardedMail ? 'spam' : 'unclassified');
  let type = guess && guess.score >= 3 ? guess.type : isForwardedMail ? (forwarded === mail.headers ? 'direct-spam' : 'forwarded-spam') : 'unclassified';
  if (category === 'unclassified' && guess) { category = guess.category; type = guess.type; }

  const excerpt = (mail.text || mail.htmlText).slice(0, 2048);
  const evidence = { format: 'freetext', excerpt, receivedIps: chain.ips.length ? chain.ips : undefined, ...options.evidence };
  const events: NormalizedEvent[] = [];
  const seenIps = new Set<string>();
  const push = (d: Parameters<typeof makeEvent>[0]) => {
    if (events.length < MAX_EVENTS) events.push(makeEvent(d, ctx));
  };

  // Addresses the reporter names in their own words come first when the forwarded chain points
  // elsewhere: an attached notice (a DMARC report, a screenshot mail) is evidence, not the spam.
  const named = ownWords ? findIps(ownWords).filter((ip) => !onlyAsDestination(ownWords, ip)) : [];
  if (chain.origin && named.length && !named.includes(chain.origin)) {
    for (const ip of named.slice(0, 20)) {
      seenIps.add(ip);
      push({ category, type, ip, evidence: { ...evidence, ipSource: 'text' } });
    }
  }
  if (chain.origin && !seenIps.has(chain.origin)) {
    seenIps.add(chain.origin);
    push({ category, type, ip: chain.origin, evidence: { ...evidence, ipSource: 'Received' } });
  }
  const urls = findUrls(text).filter((u) => !ownHost(hostOf(u)));
  const urlHosts = new Set(urls.map((u) => hostOf(u)));
  const allIps = findIps(text);
  const victims = new Set(allIps.filter((ip) => onlyAsDestination(text, ip)));
  // Log lines name the attacked hosts too (DST=, "=> target"); those are the reporter's, not
  // ours, unless nothing else is named.
  const keep = victims.size < allIps.length ? allIps.filter((ip) => !victims.has(ip)) : allIps;
  for (const ip of keep) {
    if (seenIps.has(ip) || urlHosts.has(ip)) continue;
    seenIps.add(ip);
    push({ category, type, ip, evidence });
  }
  for (const url of urls) {
    // "URL (1.2.3.4)" or "URL [1.2.3.4]": the address the reporter resolved it to.
    const after = text.slice(text.indexOf(url) + url.length, text.indexOf(url) + url.length + 60);
    const paired = /^\s*[([]\s*([0-9a-f:.]{7,45})\s*[)\]]/i.exec(after)?.[1];
    push({ category, type, url, ip: paired ? findIps(paired)[0] ?? null : null, evidence });
  }
  const emails = findEmails(text);
  const domains = findDomains(text).filter((d) => !urlHosts.has(d) && !ownHost(d));
  for (const d of domains.slice(0, 20)) push({ category, type, domain: d, evidence });
  if (!events.length) {
    const others = emails.filter((e) => !ownHost(e.split('@')[1]) && e !== ctx.reporter);
    for (const e of others.slice(0, 10)) push({ category, type, email: e, evidence });
  }
  if (!events.length) push({ category, type, evidence });
  return events;
}
