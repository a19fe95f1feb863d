/**
 * Queue and search answers come as cases, reports, events or actions; the tables show one shape.
 * Reading each by the fields it has keeps the console working whichever the server sends.
 */
export interface Row {
  key: string;
  kind: 'case' | 'report' | 'event' | 'action';
  id: number;
  href: string | null;
  caseId: number | null;
  reportId: number | null;
  title: string;
  customer: string | null;
  category: string | null;
  status: string;
  at: string | null;
  count: number | null;
  detail: string | null;
}

type Any = Record<string, unknown>;
const s = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);
const n = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

export function toRow(x: Any): Row {
  const kind = (s(x.kind) as Row['kind'] | null) && ['case', 'report', 'event', 'action'].includes(String(x.kind)) ? (x.kind as Row['kind']) : 'sha256' in x ? 'report' : 'reportId' in x && !('eventCount' in x) ? 'event' : 'eventCount' in x || 'resource' in x ? 'case' : 'kind' in x ? 'action' : 'case';
  const id = n(x.id) ?? 0;
  const caseId = kind === 'case' ? id : n(x.caseId);
  // An unassigned event names its report in the detail line ("report 12 from …") when no field does.
  const reportId = kind === 'report' ? id : (n(x.reportId) ?? (kind === 'event' ? n(/^report (\d+)/.exec(s(x.detail) ?? '')?.[1]) : null));
  const href = caseId ? `/console/cases/${caseId}` : reportId ? `/console/reports/${reportId}` : null;
  const title =
    s(x.title) ??
    (kind === 'report' ? (s(x.subject) ?? s(x.filename) ?? `Report ${id}`) : kind === 'event' ? (s(x.ip) ?? s(x.domain) ?? s(x.url) ?? s(x.email) ?? s(x.resource) ?? `Event ${id}`) : kind === 'action' ? `${s(x.kind) ?? 'action'}${x.scope ? ` (${s(x.scope)})` : ''}` : (s(x.resource) ?? `Case ${id}`));
  return {
    key: `${kind}-${id}`,
    kind,
    id,
    href,
    caseId,
    reportId,
    title,
    customer: s(x.customerName) ?? s(x.customer) ?? null,
    category: s(x.category),
    status: s(x.status) ?? '',
    at: s(x.lastSeen) ?? s(x.at) ?? s(x.receivedAt) ?? s(x.occurredAt) ?? s(x.updatedAt) ?? s(x.dueAt) ?? null,
    count: n(x.eventCount),
    detail: s(x.detail) ?? s(x.error) ?? s(x.lastError) ?? s(x.reporter) ?? null,
  };
}
