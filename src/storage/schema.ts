import type { ColumnType, Generated } from 'kysely';

/**
 * The database as Kysely sees it: one schema for SQLite and PostgreSQL. Times are ISO-8601 UTC
 * text (sortable, the same on both engines), JSON is text, booleans are 0/1 integers.
 */
export interface Schema {
  meta: { key: string; value: string };
  customers: CustomerTable;
  services: ServiceTable;
  ip_assignments: IpAssignmentTable;
  domains: DomainTable;
  reports: ReportTable;
  events: EventTable;
  cases: CaseTable;
  actions: ActionTable;
  audit_log: AuditTable;
  jobs: JobTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  login_links: LoginLinkTable;
  case_notes: CaseNoteTable;
  case_messages: CaseMessageTable;
  digest_entries: DigestEntryTable;
  reporter_preferences: ReporterPreferenceTable;
  invoice_lines: InvoiceLineTable;
  resource_offers: ResourceOfferTable;
  policies: PolicyTable;
  policy_notices: PolicyNoticeTable;
  consents: ConsentTable;
  case_workflow: CaseWorkflowTable;
  case_customer_fixed: CaseCustomerFixedTable;
  intake_followups: IntakeFollowupTable;
  imap_mailboxes: ImapMailboxTable;
}

export interface CustomerTable {
  id: string;
  name: string;
  contacts: string; // JSON array of addresses
  plan: 'shared' | 'vps' | 'dedicated' | 'colocation';
  status: 'active' | 'suspended' | 'terminated';
  locale: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceTable {
  id: string;
  customer_id: string;
  kind: string;
  label: string;
}

export interface IpAssignmentTable {
  id: Generated<number>;
  cidr: string;
  family: number;
  service_id: string;
  valid_from: string;
  valid_to: string | null;
}

export interface DomainTable {
  id: Generated<number>;
  name: string;
  service_id: string;
  valid_from: string;
  valid_to: string | null;
}

export type ReportStatus = 'received' | 'parsed' | 'failed' | 'not-actionable';

export interface ReportTable {
  id: Generated<number>;
  sha256: string;
  channel: string;
  reporter: string | null;
  message_id: string | null;
  subject: string | null;
  filename: string | null;
  received_at: string;
  raw: ColumnType<Buffer, Buffer, never>;
  size: number;
  format: string | null;
  status: ReportStatus;
  error: string | null;
  event_count: number;
  meta: string; // JSON: authentication results, client address, ...
}

export type EventStatus = 'new' | 'correlated' | 'unassigned' | 'consented';

export interface EventTable {
  id: Generated<number>;
  report_id: number;
  fingerprint: string;
  category: string;
  type: string;
  ip: string | null;
  port: number | null;
  url: string | null;
  domain: string | null;
  email: string | null;
  occurred_at: string;
  reporter: string | null;
  evidence: string; // JSON
  status: EventStatus;
  customer_id: string | null;
  service_id: string | null;
  case_id: number | null;
  resource: string | null;
  matched: string | null;
  created_at: string;
}

export interface CaseTable {
  id: Generated<number>;
  customer_id: string;
  category: string;
  resource: string;
  status: string;
  policy_version: string | null;
  opened_at: string;
  first_seen: string;
  last_seen: string;
  event_count: number;
  closed_at: string | null;
  updated_at: string;
}

export interface ActionTable {
  id: Generated<number>;
  case_id: number;
  kind: string;
  scope: string | null;
  status: string;
  step: number;
  due_at: string | null;
  approval: string | null; // null, 'operator' or 'supervisor'
  approved_by: string | null;
  approved_at: string | null;
  reason: string | null;
  idempotency_key: string;
  attempts: number;
  last_error: string | null;
  params: string; // JSON
  result: string | null; // JSON
  created_at: string;
  updated_at: string;
  requested_by: string | null; // 'policy' or the operator who proposed it
  connector: string | null; // webhook, command, manual, mail, ...
  started_at: string | null;
  finished_at: string | null;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  entity: string;
  entity_id: string;
  action: string;
  data: string; // JSON
  prev_hash: string;
  hash: string;
}

export interface JobTable {
  id: Generated<number>;
  kind: string;
  payload: string; // JSON
  status: 'pending' | 'running' | 'done' | 'failed';
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Mail and portal messages threaded to a case, both directions (migration 0300). */
export interface CaseMessageTable {
  id: Generated<number>;
  case_id: number;
  direction: 'inbound' | 'outbound';
  channel: string; // mail, portal, api
  kind: string; // notice, digest, authority, outcome, reply, resource-offer
  sender: string | null;
  recipients: string; // JSON array
  subject: string;
  body: string;
  message_id: string | null;
  report_id: number | null;
  action_id: number | null;
  dedupe_key: string | null;
  meta: string; // JSON
  created_at: string;
}

/** Cases waiting for the customer's next digest mail. */
export interface DigestEntryTable {
  id: Generated<number>;
  customer_id: string;
  case_id: number;
  action_id: number | null;
  due_at: string | null;
  queued_at: string;
  sent_at: string | null;
  message_id: string | null;
  dedupe_key: string;
}

/** Whether a reporter wants to hear the outcome of the cases their reports fed. */
export interface ReporterPreferenceTable {
  reporter: string; // lower-case address
  notify_outcome: number; // 0/1
  locale: string;
  updated_at: string;
}

export interface InvoiceLineTable {
  id: Generated<number>;
  customer_id: string;
  case_id: number | null;
  action_id: number | null;
  kind: string; // penalty, blacklisting, resource-fee, labour
  description: string;
  quantity: string; // decimal text
  unit: string;
  unit_price_cents: number;
  amount_cents: number;
  currency: string;
  period_start: string | null;
  period_end: string | null;
  dedupe_key: string;
  push_status: string; // pending, pushed, failed, off
  pushed_at: string | null;
  push_error: string | null;
  created_at: string;
}

/** The resource-abuse offer: modify, pay or move, and what the customer chose. */
export interface ResourceOfferTable {
  id: Generated<number>;
  case_id: number;
  customer_id: string;
  status: string;
  offered_at: string;
  due_at: string;
  choice: string | null; // modify, pay, move
  chosen_at: string | null;
  chosen_via: string | null;
  follow_up_at: string | null;
  fee_cents: number;
  fee_currency: string;
  fee_interval_days: number;
  fees_billed: number;
  updated_at: string;
}

/** One follow-up job per report and kind (acknowledge-report, authenticate-report), so none runs twice. */
export interface IntakeFollowupTable {
  report_id: number;
  kind: string;
  state: 'queued' | 'attempted' | 'done' | 'skipped' | 'failed';
  detail: string | null;
  created_at: string;
  updated_at: string;
}

/** How far the IMAP poller has read a mailbox: UIDs are only comparable within one UIDVALIDITY. */
export interface ImapMailboxTable {
  mailbox: string;
  uid_validity: string;
  last_uid: number;
  updated_at: string;
}

/** A stored policy version (the YAML text as activated) and when it takes effect. */
export interface PolicyTable {
  id: Generated<number>;
  policy_id: string;
  version: string;
  ref: string; // id@version
  effective_from: string;
  document: string;
  sha256: string;
  activated_at: string;
  activated_by: string;
}

/** Which customers were told about which policy version: each once. */
export interface PolicyNoticeTable {
  policy_ref: string;
  customer_id: string;
  sent_at: string;
  message_id: string | null;
}

/** Written consent for IRC, permission for port scans and security audits. */
export interface ConsentTable {
  id: Generated<number>;
  customer_id: string;
  kind: string; // irc, port-scan
  cidrs: string; // JSON array of canonical CIDRs
  targets: string | null; // JSON array of CIDRs or host names, null = any
  ports: string | null; // JSON array of [from, to], null = any
  valid_from: string;
  valid_to: string | null;
  document: string;
  note: string | null;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  hits: number;
  last_hit_at: string | null;
}

/** A customer reported the problem of a case fixed (portal): the console verifies and resolves it. */
export interface CaseCustomerFixedTable {
  case_id: number;
  reported_at: string;
  reported_by: string;
  message_id: number | null;
}

/** A case's place on its policy ladder and its durable timers (deadline, clock resume, auto-close). */
export interface CaseWorkflowTable {
  case_id: number;
  policy_ref: string | null;
  step: number; // -1 before the first step
  step_started_at: string | null;
  deadline_at: string | null;
  paused_remaining_ms: number | null;
  resume_at: string | null;
  armed_step: number | null; // a `repeat` step waiting for new events
  last_reply_at: string | null;
  last_event_at: string | null;
  close_at: string | null;
  finished: number; // 0/1: the ladder has nothing left to do
  updated_at: string;
}

/** Operators (analyst, supervisor, admin) and customer users (role customer, one customer each); migration 0400. */
export interface UserTable {
  id: Generated<number>;
  email: string; // lower case
  name: string | null;
  role: string;
  customer_id: string | null;
  password_hash: string | null; // argon2id; null = sign-in by link only
  totp_secret: string | null;
  totp_enabled: number; // 0/1
  failed_logins: number;
  locked_until: string | null;
  disabled: number; // 0/1
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Server-side sessions; the cookie carries a random token, the row only its SHA-256. */
export interface SessionTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** Machine access: `Authorization: Bearer`, scoped by role (and customer), stored as SHA-256. */
export interface ApiTokenTable {
  id: Generated<number>;
  token_hash: string;
  name: string;
  role: string;
  customer_id: string | null;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** One-time sign-in links (mailed to customers, printed for the first admin). */
export interface LoginLinkTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Operators' notes on a case, part of its timeline. */
export interface CaseNoteTable {
  id: Generated<number>;
  case_id: number;
  author: string;
  text: string;
  created_at: string;
}
