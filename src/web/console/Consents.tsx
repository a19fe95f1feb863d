import { type FormEvent, useState } from 'react';
import { api, type ApiError, type Session } from '../api';
import { fmtDay } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { Empty, Loading, Problem } from '../shared/ui';

/** Written consents (IRC, security audits): events they cover are recorded without action. */
export function Consents(props: { session: Session }) {
  const list = useAsync(() => api.consents.list(), []);
  const canEdit = props.session.user.role === 'supervisor' || props.session.user.role === 'admin';
  const [form, setForm] = useState({ customer: '', category: 'irc', resource: '', note: '', validFrom: new Date().toISOString().slice(0, 10), validTo: '' });
  const [msg, setMsg] = useState<string | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.consents.add({ customer: form.customer, category: form.category, resource: form.resource || null, note: form.note || null, validFrom: `${form.validFrom}T00:00:00Z`, validTo: form.validTo ? `${form.validTo}T00:00:00Z` : null });
      setMsg('Consent recorded.');
      list.reload();
    } catch (err) {
      const e2 = err as ApiError;
      setMsg(e2.unavailable ? 'Recording consents is not available on this server yet.' : e2.message);
    }
  };
  const revoke = async (id: number | string) => {
    try {
      await api.consents.revoke(id);
      list.reload();
    } catch (err) {
      setMsg((err as ApiError).message);
    }
  };
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Consent registry</h1>
          <p className="muted">Written prior consents the AUP allows: IRC servers and bots, port scans for security audits.</p>
        </div>
      </header>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <Problem error={list.error} what="Consents" />
      ) : list.data?.length ? (
        <table className="grid">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Category</th>
              <th>Resource</th>
              <th>Valid</th>
              <th>Note</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.id}>
                <td className="mono">{c.customer}</td>
                <td>{c.category}</td>
                <td className="mono">{c.resource ?? 'all'}</td>
                <td className="small">
                  {fmtDay(c.validFrom)} → {c.validTo ? fmtDay(c.validTo) : 'open'}
                </td>
                <td className="small">{c.note}</td>
                {canEdit && (
                  <td>
                    <button type="button" className="btn small ghost" onClick={() => revoke(c.id)}>
                      Revoke
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>No consents recorded.</Empty>
      )}
      {canEdit && (
        <form className="card form-grid" onSubmit={add}>
          <h3 className="span2">Record a consent</h3>
          <label>
            Customer id
            <input required value={form.customer} onChange={(e) => setForm({ ...form, customer: e.target.value })} className="mono" />
          </label>
          <label>
            Category
            <select value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })}>
              <option value="irc">irc</option>
              <option value="port-scan">port-scan</option>
            </select>
          </label>
          <label>
            Resource (IP, CIDR or domain; empty = all)
            <input value={form.resource} onChange={(e) => setForm({ ...form, resource: e.target.value })} className="mono" />
          </label>
          <label>
            Note (where the written consent is kept)
            <input value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
          </label>
          <label>
            Valid from
            <input type="date" required value={form.validFrom} onChange={(e) => setForm({ ...form, validFrom: e.target.value })} />
          </label>
          <label>
            Valid to
            <input type="date" value={form.validTo} onChange={(e) => setForm({ ...form, validTo: e.target.value })} />
          </label>
          <p className="preview span2">
            Events of category <strong>{form.category}</strong> for <strong>{form.customer || '…'}</strong>
            {form.resource ? ` on ${form.resource}` : ''} will be recorded without any action from {form.validFrom}
            {form.validTo ? ` to ${form.validTo}` : ' onwards'}.
          </p>
          {msg && <p className="form-message span2">{msg}</p>}
          <div className="form-actions span2">
            <button type="submit" className="btn primary">
              Record consent
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
