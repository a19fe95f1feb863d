import type { Category } from './categories.js';

/**
 * One normalized abuse event, as every parser emits it and as the API and CLI show it.
 * The field names are a public contract (`abusedesk parse --json`).
 */
export interface NormalizedEvent {
  /** One of the AUP category ids. */
  category: Category;
  /** A finer free label, e.g. `spam`, `fbl`, `open-resolver`, `dmca`. */
  type: string;
  /** Canonical IPv4 (dotted quad) or IPv6 (RFC 5952 compressed, lower case). */
  ip: string | null;
  port: number | null;
  url: string | null;
  /** A host name (lower case, no trailing dot). */
  domain: string | null;
  email: string | null;
  /** ISO-8601 UTC, e.g. `2024-05-01T10:00:00.000Z`. */
  occurredAt: string;
  /** Who reported it (address or organisation), when known. */
  reporter: string | null;
  /** What supports the event: small, JSON-serializable facts (subject, excerpt, source fields). */
  evidence: Record<string, unknown>;
}

/** The name of a report format, as `abusedesk parse --json` prints it. */
export type ReportFormat = string;
