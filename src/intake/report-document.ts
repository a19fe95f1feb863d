import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Category } from '../domain/categories.js';

/** A report given field by field (the public form, the JSON API): the policy's own list of what a report names. */
export interface StructuredReport {
  reporterName?: string | null;
  reporterEmail?: string | null;
  ip?: string | null;
  domain?: string | null;
  url?: string | null;
  email?: string | null;
  category?: Category | null;
  description?: string | null;
  /** ISO-8601; defaults to the time of submission. */
  occurredAt?: string | null;
  evidence?: { filename: string; contentType: string; content: Buffer }[];
}

/**
 * Our category as an XARF v4 category/type pair. The spec's own pairs (content/phishing,
 * messaging/spam, ...) require type-specific fields a web form does not have (smtp_from,
 * source_port, legitimate_site ...), so we write our own type names under the fitting XARF
 * category; the XARF parser maps them back by label. A test round-trips every category.
 */
const XARF_PAIR: Partial<Record<Category, [string, string]>> = {
  'illegal-software': ['content', 'illegal_software_report'],
  copyright: ['copyright', 'copyright_report'],
  trademark: ['content', 'trademark_report'],
  'adult-content': ['content', 'adult_content_report'],
  'child-abuse': ['content', 'child_abuse_report'],
  spam: ['messaging', 'spam_report'],
  spamvertising: ['content', 'spamvertising_report'],
  blacklisting: ['reputation', 'blacklisting_report'],
  malware: ['content', 'malware_report'],
  phishing: ['content', 'phishing_report'],
  fraud: ['content', 'fraud_report'],
  'compromised-host': ['infrastructure', 'compromised_host_report'],
  'vulnerable-service': ['vulnerability', 'vulnerable_service_report'],
  irc: ['infrastructure', 'irc'],
  dos: ['connection', 'dos'],
  'port-scan': ['connection', 'port_scanning'],
  harvesting: ['messaging', 'harvesting_report'],
  'resource-abuse': ['infrastructure', 'resource_abuse_report'],
};

/**
 * The report as an RFC 822 message, so it is stored, shown and parsed like every other report:
 * a readable text part with every field, one XARF v4 document per named resource carrying the
 * reporter's category (the structured parser turns each into an event), and the evidence files
 * attached. Without a category the parser reads the description like any human complaint.
 */
export async function buildReportMessage(r: StructuredReport, o: { channel: 'form' | 'api'; now: Date; to: string }): Promise<{ raw: Buffer; messageId: string }> {
  const id = randomUUID();
  const messageId = `<${o.channel}-${id}@abusedesk.invalid>`;
  const occurredAt = r.occurredAt ? new Date(r.occurredAt).toISOString() : o.now.toISOString();
  const resources = [r.ip && `IP ${r.ip}`, r.domain && `domain ${r.domain}`, r.url && `URL ${r.url}`, r.email && `e-mail ${r.email}`].filter(Boolean) as string[];
  const text = [
    `Abuse report submitted through the ${o.channel === 'form' ? 'public web form' : 'API'}.`,
    '',
    `Reporter:       ${r.reporterName ?? '-'} <${r.reporterEmail ?? '-'}>`,
    `Category:       ${r.category ?? '(not given)'}`,
    `IP address:     ${r.ip ?? '-'}`,
    `Domain:         ${r.domain ?? '-'}`,
    `Website:        ${r.url ?? '-'}`,
    `E-mail address: ${r.email ?? '-'}`,
    `Occurred at:    ${occurredAt}`,
    `Evidence files: ${r.evidence?.length ? r.evidence.map((e) => e.filename).join(', ') : '-'}`,
    '',
    'Description:',
    r.description ?? '-',
    '',
  ].join('\n');

  const pair = r.category ? XARF_PAIR[r.category] : undefined;
  const docs = pair ? xarfDocuments(r, pair, occurredAt, o.channel) : [];
  const composer = new MailComposer({
    from: r.reporterEmail ? { name: r.reporterName ?? '', address: r.reporterEmail } : `${o.channel === 'form' ? 'Web form' : 'API'} <${o.channel}@abusedesk.invalid>`,
    to: o.to,
    subject: `Abuse report (${o.channel}): ${r.category ?? 'uncategorized'}${resources.length ? ` - ${resources.join(', ')}` : ''}`.slice(0, 250),
    date: o.now,
    messageId,
    headers: { 'X-AbuseDesk-Channel': o.channel },
    text,
    attachments: [
      ...docs.map((d, i) => ({ filename: `xarf-${i + 1}.json`, content: JSON.stringify(d, null, 2), contentType: 'application/json' })),
      ...(r.evidence ?? []).map((e) => ({ filename: e.filename, content: e.content, contentType: e.contentType })),
    ],
  });
  const raw = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err, msg) => (err ? reject(err) : resolve(msg))));
  return { raw, messageId };
}

function xarfDocuments(r: StructuredReport, [category, type]: [string, string], timestamp: string, channel: string): Record<string, unknown>[] {
  const contact = r.reporterEmail ?? `${channel}@abusedesk.invalid`;
  const base = {
    xarf_version: '4.0.0',
    timestamp,
    reporter: { org: r.reporterName?.slice(0, 200) || `AbuseDesk ${channel}`, contact, domain: contact.split('@')[1] },
    category,
    type,
    ...(r.description ? { description: r.description.slice(0, 1000) } : {}),
  };
  const out: Record<string, unknown>[] = [];
  const add = (source: string, extra: Record<string, unknown> = {}) => out.push({ ...base, report_id: randomUUID(), source_identifier: source, ...extra });
  const host = r.url ? hostOf(r.url) : null;
  // A website and the address it is served from are one thing: one event whose IP finds who hosts
  // it even when the site's domain is not ours, and whose URL keeps a web case keyed by the site.
  if (r.ip && r.url && host) add(r.ip, { url: r.url });
  else {
    if (r.ip) add(r.ip);
    if (r.url && host) add(host, { url: r.url });
  }
  if (r.domain) add(r.domain);
  if (r.email) {
    const domain = r.email.split('@')[1];
    if (domain) add(domain, { smtp_from: r.email, email: r.email });
  }
  return out;
}

function hostOf(url: string): string | null {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`).hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return null;
  }
}
