import { type Block, type RenderedMail, renderHtml, renderText } from './blocks.js';
import { caseReference } from './customer-notice.template.js';
import { formatDate, type Outcome, textFor } from './locales/index.js';

/**
 * What a reporter who opted in hears when the case closes: the outcome only. Nothing about the
 * customer (not even its name) leaves with it.
 */
export function renderOutcome(input: { caseId: number; locale: string; outcome: Outcome; reportReceivedAt: string; reportSubject?: string | null }): RenderedMail {
  const t = textFor(input.locale);
  const subject = t.outcomeSubject(caseReference(input.caseId));
  const received = formatDate(t, input.reportReceivedAt) + (input.reportSubject ? ` ("${input.reportSubject.slice(0, 120)}")` : '');
  const blocks: Block[] = [{ p: t.outcomeIntro(received) }, { p: t.outcome[input.outcome] }, { p: t.outcomeFooter }, { p: t.signature }];
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
