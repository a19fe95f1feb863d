import type { Category } from '../domain/categories.js';
import type { AupClause } from './aup-clauses.js';
import { type Block, type RenderedMail, renderHtml, renderText } from './blocks.js';
import { type EventFacts, summarizeEvents, thirdPartiesOf } from './evidence-summary.js';
import { formatDate, type LocaleText, textFor } from './locales/index.js';
import { formatMoney } from './money-format.js';

/** Everything a notice to a customer about one case says; gathered by the notification service, rendered here without I/O. */
export interface CaseNoticeInput {
  caseId: number;
  category: Category;
  resource: string;
  customer: { name: string; locale: string; domains: string[] };
  clause: AupClause;
  events: EventFacts[];
  dueAt: string | null;
  replyAddress: string;
  portalUrl: string | null;
  /** For resource abuse: the fee the PAY option costs. */
  resourceOffer?: { feeCents: number; currency: string; intervalDays: number } | null;
}

export function caseReference(caseId: number): string {
  return `Case #${caseId}`;
}

/** The categories whose evidence never reaches the customer: only that a report came and the content is blocked. */
export const NEVER_FORWARDED: ReadonlySet<Category> = new Set<Category>(['child-abuse']);

export const RESOURCE_KEYWORDS = ['MODIFY', 'PAY', 'MOVE'] as const;

/** The body of one case in a notice, shared by the single notice and the digest. */
export function caseBlocks(t: LocaleText, n: CaseNoticeInput): Block[] {
  const ref = caseReference(n.caseId);
  const blocks: Block[] = [];
  if (NEVER_FORWARDED.has(n.category)) {
    // No resource, URL, clause excerpt or evidence: any of it could lead back to the material.
    blocks.push({ p: t.csamNotice });
    blocks.push({ p: t.explanation[n.category] });
  } else {
    blocks.push({ p: t.intro(t.category[n.category], n.resource) });
    blocks.push({ p: t.explanation[n.category] });
    blocks.push({ p: t.clauseIntro(n.clause.section) });
    blocks.push({ quote: n.clause.text, cite: t.clauseOriginal || undefined });
    const ctx = { keepDomains: n.customer.domains.map((d) => d.toLowerCase()), thirdParties: thirdPartiesOf(n.events) };
    const lines = summarizeEvents(t, n.events, ctx);
    if (lines.length) {
      blocks.push({ p: t.evidenceHeading });
      blocks.push({ list: lines });
      blocks.push({ p: t.redactionNote });
    }
    if (n.category === 'resource-abuse' && n.resourceOffer) {
      blocks.push({ p: t.resourceOffer.intro });
      blocks.push({
        list: [t.resourceOffer.modify, t.resourceOffer.pay(formatMoney(t.dateLocale, n.resourceOffer.feeCents, n.resourceOffer.currency), t.interval(n.resourceOffer.intervalDays)), t.resourceOffer.move],
      });
      blocks.push({ p: t.resourceOffer.howToChoose(RESOURCE_KEYWORDS.join(', ')) });
      blocks.push({ p: t.resourceOffer.noChoice });
    }
  }
  blocks.push({ p: n.dueAt ? t.deadline(formatDate(t, n.dueAt)) : t.noDeadline });
  blocks.push({ p: [t.respondByMail(n.replyAddress), ...(n.portalUrl ? [t.respondByPortal(portalCaseUrl(n.portalUrl, n.caseId))] : [])].join('\n') });
  blocks.push({ p: t.keepReference(ref) });
  return blocks;
}

export function portalCaseUrl(portalUrl: string, caseId: number): string {
  return `${portalUrl.replace(/\/+$/, '')}/cases/${caseId}`;
}

/** The notice to a customer about one case, in the customer's language. */
export function renderCaseNotice(n: CaseNoticeInput): RenderedMail {
  const t = textFor(n.customer.locale);
  const category = NEVER_FORWARDED.has(n.category) ? t.category['child-abuse'] : t.category[n.category];
  const subject = t.subject(caseReference(n.caseId), category);
  const blocks: Block[] = [{ p: t.greeting(n.customer.name) }, ...caseBlocks(t, n), { p: t.signature }];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
