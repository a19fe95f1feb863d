import { api, type Dashboard as Data } from '../api';
import { HBars, Lines, StackedBars } from '../shared/charts';
import { fmtDuration } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { Link } from '../shared/router';
import { Loading, Problem } from '../shared/ui';
import { QUEUES } from './Queue';

/** Every day of the window, so quiet days show as gaps rather than vanishing from the axis. */
function allDays(d: Data): string[] {
  const seen = [...d.reportsPerDay.map((r) => r.day), ...d.casesPerDay.map((r) => r.day)].sort();
  const start = (d.since ?? seen[0] ?? new Date().toISOString()).slice(0, 10);
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.now(); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out.length ? out : seen;
}

function byDay(d: Data) {
  const days = allDays(d);
  const totals = new Map<string, number>();
  for (const r of d.reportsPerDay) totals.set(r.category, (totals.get(r.category) ?? 0) + r.count);
  const keys = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const top = keys.slice(0, 7);
  const grouped = keys.length > 7 ? [...top, 'other'] : top;
  const data = days.map((day) => {
    const parts = new Map<string, number>();
    for (const r of d.reportsPerDay.filter((x) => x.day === day)) {
      const k = top.includes(r.category) ? r.category : 'other';
      parts.set(k, (parts.get(k) ?? 0) + r.count);
    }
    return { x: day, parts: grouped.map((k) => ({ key: k, value: parts.get(k) ?? 0 })) };
  });
  return { data, keys: grouped };
}

export function Dashboard() {
  const counts = useAsync(() => api.queues.counts(), []);
  const data = useAsync(() => api.dashboard(30), []);
  const d = data.data;
  return (
    <div className="page">
      <header className="page-head">
        <h1>Dashboard</h1>
        <span className="muted">last 30 days, UTC</span>
      </header>
      <div className="tiles">
        {QUEUES.map((q, i) => {
          const n = counts.data?.find((c) => c.name === q.name)?.count;
          return (
            <Link key={q.name} to={`/console/queues/${q.name}`} className={`tile${(q.name === 'overdue' || q.name.startsWith('failed')) && n ? ' hot' : ''}`}>
              <span className="tile-n">{n === undefined ? '—' : n.toLocaleString('en')}</span>
              <span className="tile-l">
                {q.label} <kbd>{i + 1}</kbd>
              </span>
            </Link>
          );
        })}
      </div>
      {counts.error && !counts.error.unavailable && <Problem error={counts.error} what="Queue counts" />}
      {data.loading && !d ? (
        <Loading />
      ) : data.error ? (
        <Problem error={data.error} what="Dashboard figures" onRetry={data.reload} />
      ) : d ? (
        <div className="dash-grid">
          <section className="card span2">
            <h3>Reports per day by category</h3>
            {d.reportsPerDay.length ? <StackedBars {...byDay(d)} label="Reports per day by category" /> : <p className="muted">No reports in this period.</p>}
          </section>
          <section className="card">
            <h3>Cases opened and closed</h3>
            <Lines data={allDays(d).map((day) => { const c = d.casesPerDay.find((x) => x.day === day); return { x: day, values: { opened: c?.opened ?? 0, closed: c?.closed ?? 0 } }; })} keys={['opened', 'closed']} label="Cases opened and closed per day" />
          </section>
          <section className="card">
            <h3>Time from report to first action</h3>
            <div className="percentiles">
              {(['p50', 'p90', 'p99'] as const).map((p) => (
                <div key={p}>
                  <span className="pct-v">{fmtDuration(d.timeToFirstAction[p])}</span>
                  <span className="pct-l">{p}</span>
                </div>
              ))}
            </div>
            {d.timeToFirstAction.count !== undefined && <p className="muted small">over {d.timeToFirstAction.count.toLocaleString('en')} cases</p>}
          </section>
          <section className="card">
            <h3>Top customers by events</h3>
            <HBars rows={d.topCustomers.map((c) => ({ label: c.name ?? c.customer, value: c.events, hint: c.customer }))} label="Top customers by events" />
          </section>
          <section className="card">
            <h3>Top reporters</h3>
            <HBars rows={d.topReporters.map((r) => ({ label: r.reporter, value: r.reports }))} label="Top reporters" />
          </section>
          <section className="card span2">
            <h3>Pipeline stage latency</h3>
            <table className="grid compact">
              <thead>
                <tr>
                  <th>Stage</th>
                  <th className="num">p50</th>
                  <th className="num">p95</th>
                  <th className="num">p99</th>
                  <th className="num">Samples</th>
                </tr>
              </thead>
              <tbody>
                {d.stageLatency.map((s) => (
                  <tr key={s.stage}>
                    <td>{s.stage}</td>
                    <td className="num">{fmtDuration(s.p50)}</td>
                    <td className="num">{fmtDuration(s.p95)}</td>
                    <td className="num">{fmtDuration(s.p99)}</td>
                    <td className="num">{s.count?.toLocaleString('en') ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      ) : null}
    </div>
  );
}
