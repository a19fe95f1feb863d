import { useState } from 'react';
import { api, type Session } from '../api';
import { InventoryImport } from './InventoryImport';
import { useAsync } from '../shared/hooks';
import { Link } from '../shared/router';
import { Empty, Loading, Pill, Problem } from '../shared/ui';

/** Customers with their services and addresses; editing happens by `inventory import`. */
export function Inventory(props: { customerId?: string; session: Session }) {
  const canImport = props.session.user.role === 'supervisor' || props.session.user.role === 'admin';
  const [q, setQ] = useState('');
  const list = useAsync(() => (props.customerId ? Promise.resolve(null) : api.inventory.customers(q || undefined)), [props.customerId, q]);
  const one = useAsync(() => (props.customerId ? api.inventory.customer(props.customerId) : Promise.resolve(null)), [props.customerId]);
  const cases = useAsync(() => (props.customerId ? api.cases.list({ customer: props.customerId, limit: 50 }) : Promise.resolve(null)), [props.customerId]);
  if (props.customerId) {
    const c = one.data;
    return (
      <div className="page">
        <header className="page-head">
          <div>
            <div className="crumbs small">
              <Link to="/console/inventory">Inventory</Link> / <span className="mono">{props.customerId}</span>
            </div>
            <h1>{c?.name ?? props.customerId}</h1>
            {c && (
              <div className="muted">
                {c.plan} · <Pill value={c.status} tone={c.status === 'active' ? 'green' : 'red'} /> · {c.locale} · {c.contacts.join(', ')}
              </div>
            )}
          </div>
        </header>
        {one.loading ? <Loading /> : one.error ? <Problem error={one.error} what="Customer" /> : null}
        {c && (
          <div className="dash-grid">
            <section className="card">
              <h3>Services</h3>
              <table className="grid compact">
                <tbody>
                  {(c.services ?? []).map((s) => (
                    <tr key={s.id}>
                      <td className="mono">{s.id}</td>
                      <td>{s.kind}</td>
                      <td>{s.label}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card">
              <h3>Addresses and domains</h3>
              <table className="grid compact">
                <tbody>
                  {(c.ipAssignments ?? []).map((a) => (
                    <tr key={a.cidr + a.from}>
                      <td className="mono">{a.cidr}</td>
                      <td className="mono">{a.service}</td>
                      <td className="small muted">
                        {a.from.slice(0, 10)} → {a.to ? a.to.slice(0, 10) : 'now'}
                      </td>
                    </tr>
                  ))}
                  {(c.domains ?? []).map((d) => (
                    <tr key={d.name + d.from}>
                      <td className="mono">{d.name}</td>
                      <td className="mono">{d.service}</td>
                      <td className="small muted">
                        {d.from.slice(0, 10)} → {d.to ? d.to.slice(0, 10) : 'now'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
        )}
        <section className="card">
          <h3>Cases</h3>
          {cases.error ? (
            <Problem error={cases.error} what="Cases" />
          ) : cases.data?.length ? (
            <table className="grid compact">
              <tbody>
                {cases.data.map((k) => (
                  <tr key={k.id}>
                    <td className="num mono">
                      <Link to={`/console/cases/${k.id}`}>{k.id}</Link>
                    </td>
                    <td className="mono">{k.resource}</td>
                    <td>{k.category}</td>
                    <td>
                      <Pill value={k.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>No cases for this customer.</Empty>
          )}
        </section>
      </div>
    );
  }
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Inventory</h1>
          <p className="muted">Customers, services, addresses and domains. Supervisors import changes here or with `abusedesk inventory import`.</p>
        </div>
        <div className="head-actions">
          <input type="search" placeholder="Filter customers" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Filter customers" />
          {canImport && <InventoryImport onImported={list.reload} />}
        </div>
      </header>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <Problem error={list.error} what="Inventory" />
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Id</th>
              <th>Name</th>
              <th>Plan</th>
              <th>Status</th>
              <th>Locale</th>
              <th>Contacts</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((c) => (
              <tr key={c.id}>
                <td className="mono">
                  <Link to={`/console/inventory/${encodeURIComponent(c.id)}`}>{c.id}</Link>
                </td>
                <td className="strong">{c.name}</td>
                <td>{c.plan}</td>
                <td>
                  <Pill value={c.status} tone={c.status === 'active' ? 'green' : 'red'} />
                </td>
                <td>{c.locale}</td>
                <td className="small">{c.contacts.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
