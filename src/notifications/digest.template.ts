import { type Block, type RenderedMail, renderHtml, renderText } from './blocks.js';
import { type CaseNoticeInput, caseBlocks, caseReference, NEVER_FORWARDED } from './customer-notice.template.js';
import { textFor } from './locales/index.js';

/** One mail for all of a customer's new cases since the last digest, each with its own reference, clause and deadline. */
export function renderDigest(customer: { name: string; locale: string }, cases: CaseNoticeInput[]): RenderedMail {
  const t = textFor(customer.locale);
  const refs = cases.map((c) => caseReference(c.caseId));
  const subject = cases.length <= 5 ? `${t.digestSubject(cases.length)} (${refs.join(', ')})` : t.digestSubject(cases.length);
  const blocks: Block[] = [{ p: t.greeting(customer.name) }, { p: t.digestIntro(cases.length) }];
  for (const c of cases) {
    const label = NEVER_FORWARDED.has(c.category) ? t.category['child-abuse'] : t.category[c.category];
    blocks.push({ pre: `${'='.repeat(8)} ${caseReference(c.caseId)}: ${label} ${'='.repeat(8)}` });
    blocks.push(...caseBlocks(t, c));
  }
  blocks.push({ p: t.signature });
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
