import { createHash } from 'node:crypto';
import type { NormalizedEvent } from '../domain/event.js';

/** What makes two events the same event: delivered twice, it is stored once. Evidence is not part of it. */
export function eventFingerprint(e: NormalizedEvent): string {
  return createHash('sha256')
    .update(JSON.stringify([e.category, e.type, e.ip, e.port, e.url, e.domain, e.email, e.occurredAt, e.reporter]))
    .digest('base64url');
}
