/**
 * Third parties' personal data kept out of what a customer reads: the addresses of spam
 * recipients and reporters, people's names, phone numbers. The customer's own addresses (its
 * domains) stay, since they are the subject of the report.
 */
export interface RedactionContext {
  /** Domains that belong to the customer (lower case): addresses there are kept. */
  keepDomains: string[];
  /** Known third-party strings (reporters' addresses and names): removed wherever they occur. */
  thirdParties: string[];
}

export const REDACTED_ADDRESS = '[address removed]';
export const REDACTED = '[removed]';

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)/g;
const PHONE = /(?:\+|\b00)\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}\b/g;
// Header lines naming the people a message went to, and greetings naming a person.
const RECIPIENT_HEADER = /^([ \t>]*(?:to|cc|bcc|delivered-to|x-original-to|envelope-to|x-rcpt-to)\s*:).*$/gim;
// Form-style lines naming a person: "Name: ...", "Reported by: ...", in the languages we read.
const NAME_LINE = /^([ \t>]*(?:name|full name|naam|nom|contact|contact person|reported by|submitted by|complainant|reporter|melder|déclarant|signalé par)\s*:).*$/gim;
const GREETING = /^([ \t>]*(?:dear|hello|hi|beste|geachte|cher|chère|bonjour)\s+)[^,\n]{1,60}(,?)$/gim;

/** Evidence keys whose values are about a person rather than the abuse itself. */
export const PERSONAL_KEY = /(^|[_\-. ])(name|names|first_?name|last_?name|full_?name|recipient|recipients|rcpt|reporter|reporters|complainant|victim|to|cc|bcc|contact|contacts|phone|telephone|mobile|author|owner_?name|person|username|login)$/i;

function belongsTo(domain: string, keep: string[]): boolean {
  const d = domain.toLowerCase();
  return keep.some((k) => d === k || d.endsWith(`.${k}`));
}

export function redactText(text: string, ctx: RedactionContext): string {
  let out = text;
  for (const t of ctx.thirdParties) {
    const needle = t.trim();
    if (needle.length < 3) continue;
    out = out.split(needle).join(REDACTED);
    // Case differences in addresses are common between headers and reports.
    const re = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
    out = out.replace(re, REDACTED);
  }
  out = out.replace(RECIPIENT_HEADER, `$1 ${REDACTED}`);
  out = out.replace(NAME_LINE, `$1 ${REDACTED}`);
  out = out.replace(GREETING, `$1${REDACTED}$2`);
  out = out.replace(EMAIL, (m, domain: string) => (belongsTo(domain, ctx.keepDomains) ? m : REDACTED_ADDRESS));
  out = out.replace(PHONE, REDACTED);
  return out;
}

/** A flat, redacted view of an evidence object: personal keys dropped, every value redacted and bounded. */
export function redactEvidence(evidence: Record<string, unknown>, ctx: RedactionContext, maxValue = 200): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (value === null || value === undefined || value === '') continue;
    if (PERSONAL_KEY.test(key)) continue;
    let s = typeof value === 'string' ? value : JSON.stringify(value);
    s = redactText(s, ctx).replace(/\s+/g, ' ').trim();
    if (s.length > maxValue) s = `${s.slice(0, maxValue - 1)}…`;
    if (s) out.push([key, s]);
    if (out.length >= 8) break;
  }
  return out;
}
