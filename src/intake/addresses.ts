/**
 * Which recipients the SMTP intake accepts. abuse+case-12@example.net is abuse@example.net with
 * the tag "case-12": reporters replying to our mail keep the tag, so the workflow can thread the
 * reply to case 12.
 */
export interface RecipientMatch {
  accepted: boolean;
  /** The address without its tag, lower-cased. */
  base: string;
  tag: string | null;
}

export function splitPlus(address: string): { base: string; tag: string | null } {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at <= 0) return { base: a, tag: null };
  const local = a.slice(0, at);
  const plus = local.indexOf('+');
  if (plus <= 0) return { base: a, tag: null };
  return { base: `${local.slice(0, plus)}${a.slice(at)}`, tag: local.slice(plus + 1) || null };
}

/** `allowed` null = every recipient (a desk behind its own MTA that already filtered them). */
export function matchRecipient(address: string, allowed: readonly string[] | null): RecipientMatch {
  const { base, tag } = splitPlus(address);
  if (!allowed) return { accepted: true, base, tag };
  return { accepted: allowed.includes(base) || allowed.includes(address.trim().toLowerCase()), base, tag };
}

/** The case a plus tag names (`case-12`, `case12`, `c12`), if any. */
export function caseIdOfTag(tag: string | null): number | null {
  const m = tag ? /^(?:case-?|c)(\d{1,12})$/.exec(tag) : null;
  return m ? Number(m[1]) : null;
}
