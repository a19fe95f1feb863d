/** The shapes /api/v1 answers with, as the console and the portal read them. */
export type Role = 'analyst' | 'supervisor' | 'admin' | 'customer';

export interface User {
  id: number | string;
  email: string;
  role: Role;
  customerId?: string | null;
  name?: string | null;
  locale?: string | null;
}

export interface Session {
  user: User;
  csrfToken?: string | null;
}

export interface UserRow {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  customerId: string | null;
  totp: boolean;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface TokenRow {
  id: number;
  name: string;
  role: Role;
  customerId: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CaseSummary {
  id: number;
  customer: string;
  customerName?: string | null;
  category: string;
  resource: string;
  status: string;
  eventCount: number;
  firstSeen: string;
  lastSeen: string;
  openedAt?: string;
  dueAt?: string | null;
  nextStep?: string | null;
}

export interface CaseEvent {
  id: number;
  reportId: number;
  category: string;
  type: string;
  ip: string | null;
  port: number | null;
  url: string | null;
  domain: string | null;
  email: string | null;
  occurredAt: string;
  reporter: string | null;
  evidence: Record<string, unknown>;
  status: string;
  customer: string | null;
  service: string | null;
  caseId: number | null;
  resource: string | null;
  matched: string | null;
}

export interface CaseAction {
  id: number;
  caseId?: number;
  kind: string;
  status: string;
  scope: string | null;
  step?: number;
  dueAt: string | null;
  approval?: string | null;
  approvedBy: string | null;
  approvedAt?: string | null;
  reason?: string | null;
  attempts?: number;
  lastError?: string | null;
  params?: Record<string, unknown>;
  createdAt?: string;
  updatedAt?: string;
}

export interface CaseMessage {
  id: number | string;
  direction: 'in' | 'out';
  from?: string | null;
  to?: string | null;
  subject?: string | null;
  body: string;
  at: string;
}

export interface CaseNote {
  id: number | string;
  author: string;
  text: string;
  at: string;
}

export interface Service {
  id: string;
  kind: string;
  label: string;
}

export interface Customer {
  id: string;
  name: string;
  contacts: string[];
  plan: string;
  status: string;
  locale: string;
  services?: Service[];
  ipAssignments?: { cidr: string; service: string; from: string; to: string | null }[];
  domains?: { name: string; service: string; from: string; to: string | null }[];
}

export interface CaseReportRef {
  id: number;
  channel: string;
  reporter: string | null;
  subject: string | null;
  filename: string | null;
  receivedAt: string;
  format: string | null;
  status: string;
  sha256: string;
  size: number;
}

export interface CaseDetail extends CaseSummary {
  policyVersion: string | null;
  openedAt: string;
  closedAt: string | null;
  updatedAt: string;
  events: CaseEvent[];
  actions: CaseAction[];
  messages?: CaseMessage[];
  notes?: CaseNote[];
  customerDetail?: Customer | null;
  reports?: CaseReportRef[];
}

export interface ReportSummary {
  id: number;
  messageId: string | null;
  channel: string;
  receivedAt: string;
  status: string;
  error: string | null;
  format: string | null;
  reporter: string | null;
  subject: string | null;
  filename: string | null;
  sha256: string;
  size: number;
  eventCount: number;
  meta: Record<string, unknown>;
}

export interface ReportDetail extends ReportSummary {
  events?: CaseEvent[];
  headers?: { name: string; value: string }[];
  body?: string;
  bodyTruncated?: boolean;
  attachments?: { filename: string | null; contentType: string; size: number; sha256?: string }[];
  authentication?: { spf?: string | null; dkim?: string | null; dmarc?: string | null; header?: string | null; error?: string | null };
  parseError?: string | null;
}

export interface QueueCount {
  name: string;
  count: number;
  capped?: boolean;
}

export interface QueueItem {
  kind: 'case' | 'report' | 'event' | 'action';
  id: number;
  caseId?: number | null;
  title: string;
  customer?: string | null;
  category?: string | null;
  status: string;
  at: string;
  detail?: string | null;
}

export interface SearchQuery {
  q?: string;
  ip?: string;
  domain?: string;
  customer?: string;
  reporter?: string;
  category?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface Dashboard {
  since?: string;
  reportsPerDay: { day: string; category: string; count: number }[];
  casesPerDay: { day: string; opened: number; closed: number }[];
  timeToFirstAction: { p50: number | null; p90: number | null; p99: number | null; count?: number };
  topCustomers: { customer: string; name?: string | null; events: number }[];
  topReporters: { reporter: string; reports: number }[];
  stageLatency: { stage: string; p50: number | null; p95: number | null; p99: number | null; count?: number }[];
}

export interface Consent {
  id: number;
  customer: string;
  kind: string;
  cidrs: string[];
  targets: string[] | null;
  ports: [number, number][] | null;
  validFrom: string;
  validTo: string | null;
  document: string;
  note: string | null;
  createdAt?: string;
  createdBy?: string;
  revokedAt?: string | null;
  hits?: number;
  lastHitAt?: string | null;
}

export interface ConsentInput {
  customer: string;
  kind: 'irc' | 'port-scan';
  cidrs: string[];
  targets: string[] | null;
  ports: (number | string)[] | null;
  validFrom: string;
  validTo: string | null;
  document: string;
  note: string | null;
}

export interface PolicyStep {
  name?: string;
  when?: string;
  approval?: string;
  deadline?: string;
  actions: { kind: string; scope?: string | null; params?: Record<string, unknown> }[];
}

export interface CategoryPolicy {
  section?: string;
  clause?: string;
  severity?: string;
  ladder?: PolicyStep[];
}

export interface PolicyVersion {
  ref: string;
  version: string;
  effectiveFrom: string;
  activatedAt: string;
  activatedBy: string;
  inForce: boolean;
  scheduled: boolean;
}

export interface Policy {
  inForce: { id?: string; version?: string; effectiveFrom?: string; description?: string; categories?: Record<string, CategoryPolicy> } | null;
  versions: PolicyVersion[];
}

/** What a customer sees of a case: no reporter identities, evidence already redacted by the server. */
export interface PortalCase {
  id: number;
  category: string;
  resource: string;
  status: string;
  openedAt: string;
  lastSeen: string;
  eventCount: number;
  dueAt?: string | null;
  nextStep?: string | null;
  awaiting?: 'customer' | 'provider' | null;
  options?: string[] | null;
  choice?: string | null;
}

export interface PortalCaseDetail extends PortalCase {
  events: { id: number; type: string; occurredAt: string; resource: string | null; port?: number | null; evidence: Record<string, unknown> }[];
  messages: CaseMessage[];
  actions?: { kind: string; status: string; dueAt: string | null }[];
  /** When the customer last said "I have fixed it" (an operator verifies and resolves). */
  reportedFixedAt?: string | null;
}

export interface InvoiceLine {
  id: number | string;
  caseId: number | null;
  kind?: string;
  quantity?: string;
  unit?: string;
  description: string;
  amount: number;
  currency: string;
  at: string;
  status?: string;
}

export interface AupDocument {
  id: string;
  version: string;
  ref: string;
  effectiveFrom: string;
  inForceSince: string;
  description: string | null;
  /** Each section once with its clause, as the AUP reads. */
  text: string;
  /** The clause per category, as the policy data holds it. */
  categories: { category: string; section: string; clause: string; severity: string }[];
  previous: { ref: string; version: string; effectiveFrom: string } | null;
  /** What differs from the previous stored version. */
  changes: { version: string; date: string; category: string | null; kind: string; summary: string }[];
}
