import type { NormalizedEvent } from '../../domain/event.js';
import type { ParseResult } from '../types.js';
import { makeEvent, toIsoUtc, type StructuredHints } from './event.util.js';
import { parseIodef } from './iodef.parser.js';
import { XMLValidator } from 'fast-xml-parser';
import { asArray, parseXml, stripDoctype, textOf, XmlRefusedError } from './xml.util.js';

type Node = Record<string, unknown>;

/**
 * XML documents other than ACNS: IODEF, Google Safe Browsing notifications, DMARC aggregate
 * reports. Null when the root element is none of them.
 */
export function parseXmlReport(text: string, hints: StructuredHints): ParseResult | null {
  let doc: Node;
  try {
    doc = parseXml(text);
  } catch (err) {
    if (err instanceof XmlRefusedError) return { format: 'xml', events: [], error: err.message };
    return null;
  }
  if (doc['IODEF-Document']) {
    // An incident document is exchanged between machines: a broken one (truncated, unclosed
    // elements) is rejected with the parser's reason rather than read in part.
    const valid = XMLValidator.validate(stripDoctype(text));
    if (valid !== true) return { format: 'iodef', events: [], error: `IODEF document is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
    return parseIodef(doc, hints);
  }
  if (doc.notification_message) return safeBrowsing(doc.notification_message as Node, hints);
  if (doc.feedback && (doc.feedback as Node).record) return dmarcAggregate(doc.feedback as Node, hints);
  return null;
}

/**
 * Google Safe Browsing "notification_message": list type 0 names sites hacked to serve malware
 * (compromised), type 1 social-engineering (phishing) pages.
 */
function safeBrowsing(msg: Node, hints: StructuredHints): ParseResult {
  const date = textOf(msg['@date']);
  const events: NormalizedEvent[] = [];
  for (const list of asArray(msg.list as Node[])) {
    const type = String(list['@type'] ?? '');
    const category = type === '1' ? 'phishing' : 'compromised-host';
    for (const info of asArray(list.url_info as Node[]).slice(0, 5000)) {
      const url = textOf(info['@url']);
      if (!url) continue;
      events.push(makeEvent({ category, type: `safebrowsing-list-${type}`, url, ip: textOf(info['@ip']), occurredAt: date, reporter: 'Google Safe Browsing', evidence: { asn: msg['@asn'], list: type } }, hints));
    }
  }
  return { format: 'google-safebrowsing', events, error: events.length ? null : 'Safe Browsing notification lists no URL' };
}

/**
 * DMARC aggregate (RFC 7489) rows: a source address that sent mail for a domain. A row failing
 * both DKIM and SPF is mail claiming a domain it may not use; a passing row is only a record.
 */
function dmarcAggregate(fb: Node, hints: StructuredHints): ParseResult {
  const meta = (fb.report_metadata ?? {}) as Node;
  const begin = textOf((meta.date_range as Node | undefined)?.begin);
  const reporter = textOf(meta.email) ?? textOf(meta.org_name);
  const policyDomain = textOf((fb.policy_published as Node | undefined)?.domain);
  const events: NormalizedEvent[] = [];
  for (const rec of asArray(fb.record as Node[]).slice(0, 10000)) {
    const row = (rec.row ?? {}) as Node;
    const pol = (row.policy_evaluated ?? {}) as Node;
    const fail = textOf(pol.dkim) !== 'pass' && textOf(pol.spf) !== 'pass';
    const headerFrom = textOf(((rec.identifiers ?? rec.identities) as Node | undefined)?.header_from);
    events.push(
      makeEvent(
        {
          category: fail ? 'spam' : 'unclassified',
          type: fail ? 'dmarc-fail' : 'dmarc-aggregate',
          ip: textOf(row.source_ip),
          // The published-policy domain is what the report is about; older reports say `identities`.
          domain: policyDomain ?? headerFrom,
          occurredAt: begin && /^\d+$/.test(begin) ? toIsoUtc(Number(begin)) : begin,
          reporter,
          evidence: { headerFrom, count: textOf(row.count), disposition: textOf(pol.disposition), dkim: textOf(pol.dkim), spf: textOf(pol.spf), reportId: textOf(meta.report_id) },
        },
        hints,
      ),
    );
  }
  return { format: 'dmarc-aggregate', events, error: null };
}
