import { type FormEvent, useState } from 'react';
import { api, ApiError, type CaseSummary, type SearchQuery } from '../api';
import { useAsync } from '../shared/hooks';
import { CATEGORIES } from '../shared/policy';
import { navigate } from '../shared/router';
import { Loading, Problem } from '../shared/ui';
import { BulkBar } from './BulkBar';
import { RowTable } from './RowTable';
import { toRow } from './rows';

const FIELDS = ['q', 'ip', 'domain', 'customer', 'reporter', 'category', 'status', 'from', 'to'] as const;

/** A free-text term read as what it looks like: an address or prefix, a domain, or a name. */
export function classify(q: string): SearchQuery {
  const t = q.trim();
  if (!t) return {};
  if (/^[0-9.]+(\/\d{1,2})?$/.test(t) || (/^[0-9a-f:]+(\/\d{1,3})?$/i.test(t) && t.includes(':'))) return { ip: t };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(t)) return { domain: t };
  return { q: t };
}

function inRange(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toN = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  if (!bits) return ip === base;
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(base)) return ip.startsWith(base.replace(/::?$/, ''));
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(toN(base) / size) * size;
  return toN(ip) >= start && toN(ip) < start + size;
}

/**
 * Where the server has no search route, the newest cases are filtered in the browser: slower and
 * limited to what one page returns, and the page says so.
 */
async function runSearch(q: SearchQuery, cursor?: string | null): Promise<{ rows: CaseSummary[]; next: string | null; local: boolean }> {
  try {
    const page = await api.searchPage({ ...q, limit: 200 }, cursor);
    return { rows: page.items, next: page.next, local: false };
  } catch (e) {
    if (!(e instanceof ApiError) || !e.unavailable) throw e;
    const list = await api.cases.list({ status: q.status, customer: q.customer, category: q.category, limit: 1000 });
    const rows = list.filter(
      (c) =>
        (!q.ip || inRange(c.resource, q.ip)) &&
        (!q.domain || c.resource === q.domain || c.resource.endsWith(`.${q.domain}`)) &&
        (!q.from || c.lastSeen >= q.from) &&
        (!q.to || c.firstSeen <= `${q.to}T23:59:59Z`) &&
        (!q.q || `${c.resource} ${c.customer} ${c.category}`.toLowerCase().includes(q.q.toLowerCase())),
    );
    return { rows, next: null, local: true };
  }
}

export function Search() {
  const params = new URLSearchParams(location.search);
  const initial = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<(typeof FIELDS)[number], string>;
  const [form, setForm] = useState(initial);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const query: SearchQuery = { ...classify(initial.q), ...Object.fromEntries(FIELDS.filter((f) => f !== 'q' && initial[f]).map((f) => [f, initial[f]])) };
  const hasQuery = Object.keys(query).length > 0;
  const data = useAsync(() => (hasQuery ? runSearch(query) : Promise.resolve(null)), [location.search]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const s = new URLSearchParams();
    for (const f of FIELDS) if (form[f].trim()) s.set(f, form[f].trim());
    navigate(`/console/search?${s.toString()}`);
  };
  const set = (f: (typeof FIELDS)[number]) => (e: { target: { value: string } }) => setForm({ ...form, [f]: e.target.value });
  const [more, setMore] = useState<{ rows: CaseSummary[]; next: string | null } | null>(null);
  const next = more ? more.next : (data.data?.next ?? null);
  const loadMore = async () => {
    const page = await runSearch(query, next);
    setMore({ rows: [...(more?.rows ?? []), ...page.rows], next: page.next });
  };
  const rows = [...(data.data?.rows ?? []), ...(more?.rows ?? [])].map((c) => toRow(c as unknown as Record<string, unknown>));
  return (
    <div className="page">
      <header className="page-head">
        <h1>Search</h1>
      </header>
      <form className="card search-form" onSubmit={submit}>
        <label className="span3">
          Anything
          <input type="search" value={form.q} onChange={set('q')} placeholder="192.0.2.10, 198.51.100.0/24, shop.example, customer name…" autoFocus />
        </label>
        <label>
          IP or CIDR
          <input value={form.ip} onChange={set('ip')} className="mono" />
        </label>
        <label>
          Domain
          <input value={form.domain} onChange={set('domain')} className="mono" />
        </label>
        <label>
          Customer
          <input value={form.customer} onChange={set('customer')} />
        </label>
        <label>
          Reporter
          <input value={form.reporter} onChange={set('reporter')} />
        </label>
        <label>
          Category
          <select value={form.category} onChange={set('category')}>
            <option value="">any</option>
            {CATEGORIES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={form.status} onChange={set('status')}>
            <option value="">any</option>
            {['open', 'awaiting-approval', 'awaiting-customer', 'resolved', 'closed'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={form.from} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="date" value={form.to} onChange={set('to')} />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn primary">
            Search
          </button>
        </div>
      </form>
      {data.data?.local && <p className="notice info">Server search is not available yet: the newest 1,000 cases were filtered in the browser (reporter is not searchable this way).</p>}
      <BulkBar rows={rows} selected={selected} onDone={() => { setSelected(new Set()); data.reload(); }} />
      {!hasQuery ? (
        <p className="muted">Search by address or prefix, domain, customer, reporter, category, status or date.</p>
      ) : data.loading && !data.data ? (
        <Loading />
      ) : data.error ? (
        <Problem error={data.error} what="Search" onRetry={data.reload} />
      ) : (
        <>
          <p className="muted small" data-testid="result-count">
            {rows.length.toLocaleString('en')}
            {next ? '+' : ''} case{rows.length === 1 && !next ? '' : 's'}
          </p>
          <RowTable rows={rows} selected={selected} onSelect={setSelected} empty="No case matches." />
          {next && (
            <div className="more">
              <button type="button" className="btn" onClick={loadMore}>
                Load more
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
