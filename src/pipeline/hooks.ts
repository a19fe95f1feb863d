import type { NormalizedEvent } from '../domain/event.js';
import type { Match } from '../resolver/types.js';
import type { Tx } from '../storage/database.js';

/** What correlation did to one case in one transaction. */
export interface CaseChange {
  caseId: number;
  opened: boolean;
  newEvents: number;
}

/**
 * Where later stages plug into correlation, inside its transaction: the consent registry
 * (classify), the policy in force (policyVersion), and the workflow (afterCorrelate, which
 * writes its next jobs in the same transaction).
 */
export interface PipelineHooks {
  /** A consent or permission that covers the event: it is recorded with the note and opens no case. */
  consentFor?(tx: Tx, event: NormalizedEvent, match: Match): Promise<{ consentId: number | string; note: string } | null>;
  policyVersion?(tx: Tx): Promise<string | null>;
  afterCorrelate?(tx: Tx, changes: CaseChange[], now: Date): Promise<void>;
}
