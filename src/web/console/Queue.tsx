import { useState } from 'react';
import { api, ApiError } from '../api';
import { useAsync } from '../shared/hooks';
import { Loading, Problem } from '../shared/ui';
import { BulkBar } from './BulkBar';
import { RowTable } from './RowTable';
import { type Row, toRow } from './rows';

export const QUEUES = [
  { name: 'new', label: 'New', blurb: 'Cases opened recently that nobody has acted on yet: triage them first.', empty: 'Nothing new to triage.' },
  { name: 'unclassified', label: 'Unclassified', blurb: 'Reports nobody could classify: read them and pick the category.', empty: 'Every report was classified.' },
  { name: 'unassigned', label: 'Unassigned', blurb: 'Events whose address or domain matched no customer at the time: fix the inventory or close them.', empty: 'Every event found its customer.' },
  { name: 'awaiting-approval', label: 'Awaiting approval', blurb: 'Steps the policy proposed that need an operator (or a supervisor) to approve.', empty: 'No steps waiting for approval.' },
  { name: 'awaiting-customer', label: 'Awaiting customer', blurb: 'Customers were notified and have until the deadline to act.', empty: 'No customer owes us an answer.' },
  { name: 'overdue', label: 'Overdue', blurb: 'Deadlines passed without an answer or a fix: decide the next step.', empty: 'Nothing overdue.' },
  { name: 'failed-actions', label: 'Failed actions', blurb: 'Steps that were approved but could not be carried out (mail relay down, panel API error).', empty: 'No failed actions.' },
  { name: 'failed-reports', label: 'Failed reports', blurb: 'Reports the parsers could not read. After a parser fix, re-parse them.', empty: 'No failed reports.' },
] as const;

/**
 * A queue where the server has no queue route yet but the same list can be read from a route
 * it does have, so the console still shows real data.
 */
async function loadQueue(name: string, cursor?: string | null): Promise<{ rows: Row[]; next: string | null; fallback: boolean }> {
  try {
    const page = await api.queues.page(name, cursor);
    return { rows: page.items.map((i) => toRow(i as unknown as Record<string, unknown>)), next: page.next, fallback: false };
  } catch (e) {
    if (!(e instanceof ApiError) || !e.unavailable) throw e;
    if (name === 'unclassified') return { rows: ((await api.cases.list({ category: 'unclassified', limit: 200 })) as unknown as Record<string, unknown>[]).map(toRow), next: null, fallback: true };
    if (name === 'failed-reports') return { rows: ((await api.reports.list('failed')) as unknown as Record<string, unknown>[]).map(toRow), next: null, fallback: true };
    throw e;
  }
}

export function Queue(props: { name: string }) {
  const q = QUEUES.find((x) => x.name === props.name);
  const data = useAsync(() => loadQueue(props.name), [props.name]);
  const [more, setMore] = useState<{ rows: Row[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [filter, setFilter] = useState('');
  const all = [...(data.data?.rows ?? []), ...(more?.rows ?? [])];
  // Narrows what is loaded, as you type: a resource, a customer, a category.
  const f = filter.trim().toLowerCase();
  const rows = f ? all.filter((r) => `${r.title} ${r.customer ?? ''} ${r.category ?? ''} ${r.detail ?? ''}`.toLowerCase().includes(f)) : all;
  const next = more ? more.next : (data.data?.next ?? null);
  const loadMore = async () => {
    setLoadingMore(true);
    try {
      const page = await loadQueue(props.name, next);
      setMore({ rows: [...(more?.rows ?? []), ...page.rows], next: page.next });
    } finally {
      setLoadingMore(false);
    }
  };
  const reload = () => {
    setMore(null);
    data.reload();
  };
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  if (!q) return <div className="page"><h1>No queue “{props.name}”</h1></div>;
  const reparse = async (r: Row) => {
    if (!r.reportId) return;
    try {
      await api.reports.reparse(r.reportId);
      setNotice(`Report ${r.reportId} queued for parsing again.`);
      reload();
    } catch (e) {
      const err = e as ApiError;
      setNotice(err.unavailable ? 'Re-parse is not available on this server yet.' : `Report ${r.reportId}: ${err.message}`);
    }
  };
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>{q.label}</h1>
          <p className="muted">{q.blurb}</p>
        </div>
        <div className="head-actions">
          <input type="search" className="filter" placeholder="Filter this list" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter this list" />
          {data.data && <span className="muted">{rows.length.toLocaleString('en')}{next ? '+' : ''} shown</span>}
          <button type="button" className="btn small ghost" onClick={reload}>
            Refresh
          </button>
        </div>
      </header>
      {notice && <p className="notice info" role="status">{notice}</p>}
      {data.data?.fallback && <p className="notice info">The server has no queue route yet; this list is read from the general case and report lists.</p>}
      <BulkBar rows={rows} selected={selected} actionOp={props.name === 'failed-actions' ? 'retry' : 'approve'} onDone={() => { setSelected(new Set()); reload(); }} />
      {data.loading && !data.data ? (
        <Loading />
      ) : data.error ? (
        <Problem error={data.error} what={`The ${q.label.toLowerCase()} queue`} onRetry={reload} />
      ) : (
        <RowTable
          rows={rows}
          selected={selected}
          onSelect={setSelected}
          empty={q.empty}
          extra={
            props.name === 'failed-reports'
              ? (r) => (
                  <button type="button" className="btn small" onClick={() => reparse(r)}>
                    Re-parse
                  </button>
                )
              : undefined
          }
        />
      )}
      {next && (
        <div className="more">
          <button type="button" className="btn" disabled={loadingMore} onClick={loadMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </div>
  );
}
