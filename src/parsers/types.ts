import type { NormalizedEvent, ReportFormat } from '../domain/event.js';

/**
 * What a parser makes of one report. A parser is a pure function: bytes in, this out. It never
 * touches the database, the clock or the network.
 *
 * - events: the normalized events (may be empty);
 * - notActionable: true for mail that is clearly not a report (bounce, auto-reply, opt-out);
 *   such a result has no events;
 * - error: a clear, human-readable reason the report was rejected (invalid document, hostile
 *   input past a limit); such a result has no events.
 */
export interface ParseResult {
  format: ReportFormat;
  events: NormalizedEvent[];
  error: string | null;
  notActionable?: boolean;
  /** For a not-actionable result: why the mail is not a report (bounce, auto-reply, opt-out...). */
  notActionableReason?: string;
}

/** What the caller knows about the bytes besides the bytes. */
export interface ParseHints {
  /** The file name, when the report came from a file or an attachment. */
  filename?: string;
  /** When the report was received; used where the report itself carries no time. */
  receivedAt?: string;
}
