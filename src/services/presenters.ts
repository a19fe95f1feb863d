import type { Category } from '../domain/categories.js';
import type { ActionRow } from '../storage/repositories/action.repository.js';
import type { CaseRow } from '../storage/repositories/case.repository.js';
import type { EventRow } from '../storage/repositories/event.repository.js';
import type { ReportSummary } from '../storage/repositories/report.repository.js';

/** What leaves the server about a case in a list (CLI `cases list --json`, `GET /api/v1/cases`): a public contract. */
export function presentCase(c: CaseRow) {
  return {
    id: c.id,
    customer: c.customer_id,
    category: c.category as Category,
    resource: c.resource,
    status: c.status,
    eventCount: c.event_count,
    firstSeen: c.first_seen,
    lastSeen: c.last_seen,
  };
}

export function presentEvent(e: EventRow) {
  return {
    id: e.id,
    reportId: e.report_id,
    category: e.category as Category,
    type: e.type,
    ip: e.ip,
    port: e.port,
    url: e.url,
    domain: e.domain,
    email: e.email,
    occurredAt: e.occurred_at,
    reporter: e.reporter,
    evidence: JSON.parse(e.evidence) as Record<string, unknown>,
    status: e.status,
    customer: e.customer_id,
    service: e.service_id,
    caseId: e.case_id,
    resource: e.resource,
    matched: e.matched,
  };
}

export function presentAction(a: ActionRow) {
  return {
    id: a.id,
    caseId: a.case_id,
    kind: a.kind,
    status: a.status,
    scope: a.scope,
    step: a.step,
    dueAt: a.due_at,
    approval: a.approval,
    approvedBy: a.approved_by,
    approvedAt: a.approved_at,
    reason: a.reason,
    attempts: a.attempts,
    lastError: a.last_error,
    params: JSON.parse(a.params) as Record<string, unknown>,
    result: a.result ? (JSON.parse(a.result) as unknown) : null,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  };
}

export function presentReport(r: ReportSummary) {
  return {
    id: r.id,
    messageId: r.message_id,
    channel: r.channel,
    receivedAt: r.received_at,
    status: r.status,
    error: r.error,
    format: r.format,
    reporter: r.reporter,
    subject: r.subject,
    filename: r.filename,
    sha256: r.sha256,
    size: r.size,
    eventCount: r.event_count,
    meta: JSON.parse(r.meta) as Record<string, unknown>,
  };
}
