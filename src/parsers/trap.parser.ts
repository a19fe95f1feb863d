import { canonicalIp } from '../domain/ip.js';
import { makeEvent, type EventContext } from './event.js';
import { parseMailDate } from './mail/dates.js';
import type { MailMessage } from './mime.js';
import type { ParseResult } from './types.js';

/**
 * Spam-trap deliveries: the spam itself, forwarded by a trap network that records the
 * connecting client in its own headers (X-HP-ConnectIP and the like). The recorded client is
 * the source; a trap copy whose recorded address is redacted or invalid is rejected, since it
 * names nothing anyone could act on.
 */
const TRAP_IP_HEADERS = ['x-hp-connectip', 'x-spamtrap-ip', 'x-trap-source-ip', 'x-spam-source-ip'];

export function parseTrapDelivery(mail: MailMessage, ctx: EventContext): ParseResult | null {
  const name = TRAP_IP_HEADERS.find((h) => mail.headers.has(h));
  if (!name) return null;
  const value = mail.headers.get(name) ?? '';
  const ip = canonicalIp(value.replace(/[[\]]/g, '').trim());
  if (!ip) return { format: 'spam-trap', events: [], error: `spam-trap copy names no valid source address (${name}: ${value.slice(0, 60)})` };
  const event = makeEvent(
    {
      category: 'spam',
      type: 'spam-trap',
      ip,
      occurredAt: parseMailDate(mail.headers.get('date')),
      evidence: { format: 'spam-trap', trapHeader: name, helo: mail.headers.get('x-hp-client-helo') ?? undefined },
    },
    ctx,
  );
  return { format: 'spam-trap', events: [event], error: null };
}
