import { useState } from 'react';
import { api, ApiError, type CaseDetail, type Customer, type Policy, type Session } from '../api';
import { fmtAgo, fmtTime } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { CLAUSES } from '../shared/policy';
import { Link } from '../shared/router';
import { Category, Loading, Pill, Problem } from '../shared/ui';
import { NextSteps } from './NextSteps';
import { Reclassify } from './Reclassify';
import { ReportViewer } from './ReportViewer';

interface Entry {
  key: string;
  count?: number;
  reports?: number[];
  since?: string;
  at: string;
  kind: 'event' | 'action' | 'message' | 'note';
  title: string;
  body?: string | null;
  meta?: string | null;
  status?: string;
  reportId?: number;
}

function timeline(c: CaseDetail): Entry[] {
  const out: Entry[] = [];
  for (const e of c.events)
    out.push({
      key: `e${e.id}`,
      at: e.occurredAt,
      kind: 'event',
      title: `${e.type}${e.ip ? ` from ${e.ip}${e.port ? `:${e.port}` : ''}` : ''}${e.url ? ` at ${e.url}` : e.domain && !e.ip ? ` on ${e.domain}` : ''}`,
      meta: `report ${e.reportId}${e.reporter ? ` · ${e.reporter}` : ''}`,
      reportId: e.reportId,
    });
  for (const a of c.actions)
    out.push({
      key: `a${a.id}`,
      at: a.updatedAt ?? a.createdAt ?? a.dueAt ?? c.updatedAt,
      kind: 'action',
      title: `${a.kind}${a.scope ? ` (${a.scope})` : ''}`,
      status: a.status,
      meta: [a.step !== undefined ? `step ${a.step}` : null, a.approvedBy ? `approved by ${a.approvedBy}` : null, a.dueAt ? `due ${fmtTime(a.dueAt)}` : null].filter(Boolean).join(' · '),
      body: a.lastError ?? a.reason ?? null,
    });
  for (const m of c.messages ?? [])
    out.push({ key: `m${m.id}`, at: m.at, kind: 'message', title: m.direction === 'in' ? `Customer wrote${m.from ? ` (${m.from})` : ''}` : `We wrote${m.to ? ` to ${m.to}` : ''}`, body: m.body, meta: m.subject ?? null });
  for (const n of c.notes ?? []) out.push({ key: `n${n.id}`, at: n.at, kind: 'note', title: `Note by ${n.author}`, body: n.text });
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

async function loadCustomer(c: CaseDetail): Promise<Customer | null> {
  if (c.customerDetail) return c.customerDetail;
  try {
    return await api.inventory.customer(c.customer);
  } catch (e) {
    if (e instanceof ApiError && (e.unavailable || e.status === 404)) return null;
    throw e;
  }
}

const SHOW = 60;

/**
 * Reports about the same thing arrive by the dozen: consecutive events with the same wording
 * become one line with a count, so actions, messages and notes stay visible between them.
 */
function grouped(entries: Entry[]): Entry[] {
  const out: Entry[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (e.kind === 'event' && last?.kind === 'event' && last.title === e.title) {
      last.count = (last.count ?? 1) + 1;
      last.since = e.at;
      if (e.reportId && !last.reports!.includes(e.reportId)) last.reports!.push(e.reportId);
    } else out.push(e.kind === 'event' ? { ...e, count: 1, reports: e.reportId ? [e.reportId] : [] } : e);
  }
  return out;
}

let policyCache: Promise<Policy | null> | null = null;
/** The policy in force, fetched once per page load: its clauses are quoted beside every case. */
function policyInForce(): Promise<Policy | null> {
  policyCache ??= api.policy.get().catch(() => null);
  return policyCache;
}

export function CaseView(props: { id: number; session: Session }) {
  const data = useAsync(() => api.cases.get(props.id), [props.id]);
  const customer = useAsync(() => (data.data ? loadCustomer(data.data) : Promise.resolve(null)), [data.data?.customer]);
  const policy = useAsync(() => policyInForce(), []);
  const [all, setAll] = useState(false);
  const [filter, setFilter] = useState<'all' | Entry['kind']>('all');
  const [report, setReport] = useState<number | null>(null);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) return <div className="page"><Problem error={data.error} what={`Case ${props.id}`} onRetry={data.reload} /></div>;
  const c = data.data!;
  const entries = grouped(timeline(c).filter((e) => filter === 'all' || e.kind === filter));
  const reports = c.reports?.length ? c.reports.map((r) => r.id) : [...new Set(c.events.map((e) => e.reportId))];
  const shownReport = report ?? reports[0] ?? null;
  const fromPolicy = policy.data?.inForce?.categories?.[c.category];
  const clause = fromPolicy?.clause
    ? { title: fromPolicy.section ?? CLAUSES[c.category]?.clause ?? c.category, text: fromPolicy.clause, ref: policy.data?.inForce?.version ?? null }
    : CLAUSES[c.category]
      ? { title: CLAUSES[c.category].clause, text: CLAUSES[c.category].handling, ref: null }
      : null;
  const cust = customer.data;
  return (
    <div className="page case">
      <header className="page-head">
        <div>
          <div className="crumbs muted small">
            Case #{c.id} · opened {fmtTime(c.openedAt)} · policy {c.policyVersion ?? 'default'}
          </div>
          <h1 className="mono">{c.resource}</h1>
          <div className="head-tags">
            <Category value={c.category} /> <Pill value={c.status} />
            <span className="muted">
              {c.eventCount.toLocaleString('en')} event{c.eventCount === 1 ? '' : 's'} · first {fmtAgo(c.firstSeen)} · last {fmtAgo(c.lastSeen)}
            </span>
          </div>
        </div>
        <div className="customer-chip">
          <div className="muted small">Customer</div>
          <Link to={`/console/inventory/${encodeURIComponent(c.customer)}`}>{cust?.name ?? c.customerName ?? c.customer}</Link>
          <div className="small">
            <Link to={`/console/search?customer=${encodeURIComponent(c.customer)}`}>all its cases</Link>
          </div>
        </div>
      </header>
      <div className="case-grid">
        <div className="case-main">
          <section className="card">
            <div className="card-head">
              <h3>Timeline</h3>
              <div className="seg" role="group" aria-label="Show">
                {(['all', 'event', 'action', 'message', 'note'] as const).map((k) => (
                  <button key={k} type="button" className={filter === k ? 'on' : ''} onClick={() => setFilter(k)}>
                    {k === 'all' ? 'All' : `${k[0].toUpperCase()}${k.slice(1)}s`}
                  </button>
                ))}
              </div>
            </div>
            <ol className="timeline" data-testid="timeline">
              {(all ? entries : entries.slice(0, SHOW)).map((e) => (
                <li key={e.key} className={`tl ${e.kind}`}>
                  <span className="dot" aria-hidden="true" />
                  <div className="tl-body">
                    <div className="tl-line">
                      <time className="muted small" dateTime={e.at} title={e.since ? `${fmtTime(e.since)} – ${fmtTime(e.at)} UTC` : `${fmtTime(e.at)} UTC`}>
                        {fmtTime(e.at).slice(5)}
                      </time>
                      <span className="tl-kind">{e.kind}</span>
                      <span className="tl-title">
                        {e.title}
                        {(e.count ?? 1) > 1 && <span className="tl-count">×{e.count}</span>}
                      </span>
                      {e.status ? <Pill value={e.status} /> : <span />}
                    </div>
                    {e.kind === 'event' && e.reports?.length ? (
                      <div className="muted small tl-sub">
                        {(e.count ?? 1) > 1 && <>since {fmtTime(e.since)} · </>}
                        {e.reports.slice(0, 6).map((r, i) => (
                          <span key={r}>
                            {i > 0 && ', '}
                            <button type="button" className="link" onClick={() => setReport(r)}>
                              report {r}
                            </button>
                          </span>
                        ))}
                        {e.reports.length > 6 && ` and ${e.reports.length - 6} more`}
                        {e.meta?.includes(' · ') && ` · ${e.meta.split(' · ').slice(1).join(' · ')}`}
                      </div>
                    ) : (
                      e.meta && <div className="muted small tl-sub">{e.meta}</div>
                    )}
                    {e.body && <pre className="tl-text">{e.body}</pre>}
                  </div>
                </li>
              ))}
            </ol>
            {!all && entries.length > SHOW && (
              <button type="button" className="btn small ghost" onClick={() => setAll(true)}>
                Show all {entries.length.toLocaleString('en')} entries
              </button>
            )}
          </section>
          <section className="card">
            <div className="card-head">
              <h3>Original report</h3>
              {reports.length > 1 && (
                <select aria-label="Report" value={shownReport ?? ''} onChange={(e) => setReport(Number(e.target.value))}>
                  {reports.map((r) => {
                    const ref = c.reports?.find((x) => x.id === r);
                    return (
                      <option key={r} value={r}>
                        Report {r}
                        {ref ? ` · ${ref.reporter ?? ref.channel} · ${fmtTime(ref.receivedAt)}` : ''}
                      </option>
                    );
                  })}
                </select>
              )}
            </div>
            {shownReport !== null ? <ReportViewer key={shownReport} id={shownReport} /> : <p className="muted">This case has no report.</p>}
          </section>
        </div>
        <aside className="case-side">
          <NextSteps c={c} session={props.session} contacts={cust?.contacts ?? []} onChanged={data.reload} />
          <Reclassify c={c} onChanged={data.reload} />
          <section className="card">
            <h3>Customer</h3>
            {customer.loading ? (
              <Loading />
            ) : customer.error ? (
              <Problem error={customer.error} what="Customer" />
            ) : cust ? (
              <div className="customer" data-testid="customer">
                <div className="strong">{cust.name}</div>
                <div className="muted small">
                  {cust.id} · {cust.plan} · <Pill value={cust.status} tone={cust.status === 'active' ? 'green' : 'red'} /> · {cust.locale}
                </div>
                <div className="small">{cust.contacts.join(', ')}</div>
                {cust.services && cust.services.length > 0 && (
                  <>
                    <h4>Services</h4>
                    <ul className="plain small">
                      {cust.services.map((s) => (
                        <li key={s.id}>
                          <span className="mono">{s.id}</span> {s.kind} — {s.label}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                {((cust.ipAssignments?.length ?? 0) > 0 || (cust.domains?.length ?? 0) > 0) && (
                  <>
                    <h4>Addresses</h4>
                    <ul className="plain small mono">
                      {cust.ipAssignments?.map((a) => (
                        <li key={`${a.cidr}${a.from}`}>
                          {a.cidr} <span className="muted">{a.to ? `until ${a.to.slice(0, 10)}` : ''}</span>
                        </li>
                      ))}
                      {cust.domains?.map((d) => <li key={`${d.name}${d.from}`}>{d.name}</li>)}
                    </ul>
                  </>
                )}
              </div>
            ) : (
              <p className="muted small">
                <span className="mono">{c.customer}</span> — customer details are not available on this server yet.
              </p>
            )}
          </section>
          <section className="card">
            <h3>AUP clause</h3>
            {clause ? (
              <>
                <div className="strong">{clause.title}</div>
                <blockquote className="clause small">{clause.text}</blockquote>
                {clause.ref && <div className="muted small">Policy {clause.ref}</div>}
              </>
            ) : (
              <p className="muted small">No clause for {c.category}.</p>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
