/** The per-case reply address: abuse+case-12@desk.example for a desk that mails from abuse@desk.example. */
export function caseReplyAddress(from: string, caseId: number): string {
  const addr = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const at = addr.lastIndexOf('@');
  if (at < 1) return addr;
  const local = addr.slice(0, at).split('+')[0];
  return `${local}+case-${caseId}@${addr.slice(at + 1)}`;
}

/** The case an address, plus tag or subject names ("abuse+case-12@", "case-12", "[Case #12]"), or null. */
export function caseIdFromTag(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value !== 'string') return null;
  const m = /(?:^|[+\s])case-(\d{1,12})(?:@|$)/i.exec(value) ?? /^case-?(\d{1,12})$/i.exec(value.trim()) ?? /\[Case #(\d{1,12})\]/i.exec(value);
  return m ? Number(m[1]) : null;
}
