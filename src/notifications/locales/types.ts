import type { Category } from '../../domain/categories.js';

export const LOCALES = ['en', 'nl', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

/** A customer's or reporter's locale from the inventory ("nl-BE", "FR", "de") reduced to one we write, English by default. */
export function pickLocale(value: string | null | undefined): Locale {
  const base = (value ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : 'en';
}

/** The outcome a reporter hears about. */
export type Outcome = 'resolved' | 'content-removed' | 'suspended' | 'terminated' | 'no-action';

/** Every sentence a notice is made of, in one language. */
export interface LocaleText {
  locale: Locale;
  /** BCP 47 tag for dates. */
  dateLocale: string;
  category: Record<Category, string>;
  /** What the rule means, in the reader's language (the English clause is quoted beside it). */
  explanation: Record<Category, string>;
  subject(caseRef: string, category: string): string;
  greeting(name: string): string;
  intro(category: string, resource: string): string;
  clauseIntro(section: string): string;
  /** Shown when the notice is not in English: the quoted text is the binding original. */
  clauseOriginal: string;
  evidenceHeading: string;
  evidenceMore(n: number): string;
  redactionNote: string;
  csamNotice: string;
  deadline(when: string): string;
  noDeadline: string;
  respondByMail(address: string): string;
  respondByPortal(url: string): string;
  keepReference(caseRef: string): string;
  signature: string;
  digestSubject(count: number): string;
  digestIntro(count: number): string;
  resourceOffer: {
    intro: string;
    modify: string;
    pay(fee: string, interval: string): string;
    move: string;
    howToChoose(keywords: string): string;
    noChoice: string;
  };
  outcomeSubject(caseRef: string): string;
  outcomeIntro(received: string): string;
  outcome: Record<Outcome, string>;
  outcomeFooter: string;
  interval(days: number): string;
}
