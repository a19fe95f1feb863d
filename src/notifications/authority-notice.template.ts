import type { Category } from '../domain/categories.js';
import type { AupClause } from './aup-clauses.js';
import { type Block, type RenderedMail, renderHtml, renderText } from './blocks.js';
import { caseReference } from './customer-notice.template.js';
import type { EvidenceManifest } from './evidence-package.js';

/**
 * The report to legal or internet-related authorities. In English (the policy's language), with
 * the customer identified and the evidence package described by hash so the attachment can be
 * checked on arrival.
 */
export function renderAuthorityNotice(input: {
  caseId: number;
  category: Category;
  clause: AupClause;
  manifest: EvidenceManifest;
  manifestSha256: string;
  measures: string[];
  contact: string;
}): RenderedMail {
  const m = input.manifest;
  const subject = `[${caseReference(input.caseId)}] Notification of ${input.category} on our network (${m.reports.length} report${m.reports.length === 1 ? '' : 's'})`;
  const blocks: Block[] = [
    { p: 'To whom it may concern,' },
    {
      p: `We notify you of ${input.category} on the network of OSSC, found in ${m.reports.length} report(s) received between ${first(m)} and ${last(m)}. The resource involved is ${m.case.resource}; it belongs to our customer ${m.case.customer.name} (${m.case.customer.id}).`,
    },
    { p: `Our Acceptable Use Policy, section "${input.clause.section}":` },
    { quote: input.clause.text },
    { p: 'Measures taken so far:' },
    { list: input.measures.length ? input.measures : ['none yet'] },
    { p: 'Original reports (SHA-256 of the bytes as received, time received, channel):' },
    { list: m.reports.map((r) => `report ${r.id}: ${r.sha256} ${r.receivedAt} ${r.channel}${r.attachment ? ` (attached as ${r.attachment})` : ' (preserved, available on request)'}`) },
    { p: `The attached manifest evidence-case-${input.caseId}.json lists every report, event and audit entry of the case (chain of custody). Its SHA-256 is ${input.manifestSha256}.` },
    { p: `Please quote ${caseReference(input.caseId)} in any reply to ${input.contact}.` },
    { p: 'The abuse desk of OSSC' },
  ];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}

function first(m: EvidenceManifest): string {
  return m.reports.map((r) => r.receivedAt).sort()[0] ?? m.case.openedAt;
}
function last(m: EvidenceManifest): string {
  return m.reports.map((r) => r.receivedAt).sort().at(-1) ?? m.case.openedAt;
}
