import { createHash } from 'node:crypto';
import { addressOf, parseHeaderSection, splitHeaderBody } from '../parsers/mail/headers.js';

/** What the intake records about a report before anyone parses it: hash and, for mail, a few header fields. */
export interface Envelope {
  sha256: string;
  messageId: string | null;
  subject: string | null;
  reporter: string | null;
}

const HEAD_LIMIT = 256 * 1024;

export function envelopeOf(raw: Uint8Array): Envelope {
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.length, HEAD_LIMIT)).toString('latin1');
  // Only mail has a header section; a CSV or JSON report starts with its own content.
  if (!/^[!-9;-~]+:/.test(head)) return { sha256, messageId: null, subject: null, reporter: null };
  const headers = parseHeaderSection(splitHeaderBody(head)[0]);
  const messageId = headers.get('message-id')?.replace(/^<|>$/g, '').slice(0, 500) ?? null;
  return {
    sha256,
    messageId,
    subject: headers.get('subject')?.slice(0, 1000) ?? null,
    reporter: addressOf(headers.get('reply-to') ?? headers.get('from'))?.slice(0, 320) ?? null,
  };
}
