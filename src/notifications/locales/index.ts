import { en } from './en.js';
import { fr } from './fr.js';
import { nl } from './nl.js';
import { type Locale, type LocaleText, pickLocale } from './types.js';

export { LOCALES, pickLocale, type Locale, type LocaleText, type Outcome } from './types.js';

const TEXTS: Record<Locale, LocaleText> = { en, nl, fr };

/** The sentences for a locale as the inventory spells it; English when we do not write that language. */
export function textFor(locale: string | null | undefined): LocaleText {
  return TEXTS[pickLocale(locale)];
}

/** A date as the reader writes it, in UTC and named so (a deadline must not shift with a time zone guess). */
export function formatDate(t: LocaleText, at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  const text = new Intl.DateTimeFormat(t.dateLocale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(d);
  return `${text} UTC`;
}
