import { type FormEvent, useState } from 'react';
import { api, type ApiError, type Session } from '../api';
import { fmtDay } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { Empty, Loading, Pill, Problem } from '../shared/ui';

const blank = () => ({ customer: '', kind: 'irc' as 'irc' | 'port-scan', cidrs: '', targets: '', ports: '', document: '', note: '', validFrom: new Date().toISOString().slice(0, 10), validTo: '' });
const list = (s: string) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

/** Written consents (IRC) and permissions (port scans for security audits): covered events are recorded without action. */
export function Consents(props: { session: Session }) {
  const data = useAsync(() => api.consents.list(), []);
  const canEdit = props.session.user.role === 'supervisor' || props.session.user.role === 'admin';
  const [form, setForm] = useState(blank);
  const [msg, setMsg] = useState<string | null>(null);
  const set = (k: keyof ReturnType<typeof blank>) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.consents.add({
        customer: form.customer.trim(),
        kind: form.kind,
        cidrs: list(form.cidrs),
        targets: list(form.targets).length ? list(form.targets) : null,
        ports: list(form.ports).length ? list(form.ports) : null,
        validFrom: `${form.validFrom}T00:00:00Z`,
        validTo: form.validTo ? `${form.validTo}T23:59:59Z` : null,
        document: form.document.trim(),
        note: form.note.trim() || null,
      });
      setMsg('Consent recorded.');
      setForm(blank());
      data.reload();
    } catch (err) {
      const e2 = err as ApiError;
      setMsg(e2.unavailable ? 'Recording consents is not available on this server yet.' : e2.message);
    }
  };
  const revoke = async (id: number) => {
    try {
      await api.consents.revoke(id, 'revoked in the console');
      data.reload();
    } catch (err) {
      setMsg((err as ApiError).message);
    }
  };
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Consent registry</h1>
          <p className="muted">Written prior consents the AUP allows: IRC servers and bots, port scans for security audits. Events they cover are recorded, never acted on.</p>
        </div>
      </header>
      {msg && <p className="notice info" role="status">{msg}</p>}
      {data.loading && !data.data ? (
        <Loading />
      ) : data.error ? (
        <Problem error={data.error} what="Consents" />
      ) : data.data?.length ? (
        <table className="grid">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Kind</th>
              <th>Addresses</th>
              <th>Targets / ports</th>
              <th>Valid</th>
              <th>Document</th>
              <th className="num">Hits</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {data.data.map((c) => (
              <tr key={c.id}>
                <td className="mono">{c.customer}</td>
                <td>
                  <Pill value={c.kind} tone={c.revokedAt ? 'gray' : 'blue'} />
                  {c.revokedAt && <div className="muted small">revoked {fmtDay(c.revokedAt)}</div>}
                </td>
                <td className="mono small">{c.cidrs.join(', ')}</td>
                <td className="mono small">
                  {c.targets?.join(', ') ?? 'any target'}
                  {c.ports ? ` · ports ${c.ports.map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(', ')}` : ''}
                </td>
                <td className="small">
                  {fmtDay(c.validFrom)} → {c.validTo ? fmtDay(c.validTo) : 'open'}
                </td>
                <td className="small">
                  {c.document}
                  {c.note && <div className="muted">{c.note}</div>}
                </td>
                <td className="num">{c.hits ?? '—'}</td>
                {canEdit && (
                  <td>
                    {!c.revokedAt && (
                      <button type="button" className="btn small ghost" onClick={() => revoke(c.id)}>
                        Revoke
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>No consents recorded.</Empty>
      )}
      {canEdit ? (
        <form className="card form-grid" onSubmit={add}>
          <h3 className="span2">Record a consent</h3>
          <label>
            Customer id
            <input required value={form.customer} onChange={set('customer')} className="mono" />
          </label>
          <label>
            Kind
            <select value={form.kind} onChange={set('kind')}>
              <option value="irc">irc</option>
              <option value="port-scan">port-scan (security audit)</option>
            </select>
          </label>
          <label>
            Addresses or CIDRs covered
            <input required value={form.cidrs} onChange={set('cidrs')} className="mono" placeholder="192.0.2.10, 192.0.2.0/28" />
          </label>
          <label>
            Targets (optional)
            <input value={form.targets} onChange={set('targets')} className="mono" />
          </label>
          <label>
            Ports (optional)
            <input value={form.ports} onChange={set('ports')} className="mono" placeholder="6667, 6697-6699" />
          </label>
          <label>
            Signed document
            <input required value={form.document} onChange={set('document')} placeholder="contract annex 3, 2026-10-02" />
          </label>
          <label>
            Valid from
            <input type="date" required value={form.validFrom} onChange={set('validFrom')} />
          </label>
          <label>
            Valid to
            <input type="date" value={form.validTo} onChange={set('validTo')} />
          </label>
          <label className="span2">
            Note
            <input value={form.note} onChange={set('note')} />
          </label>
          <p className="preview span2">
            Events of category <strong>{form.kind}</strong> from <strong>{form.cidrs || '…'}</strong> ({form.customer || 'customer'}) will be recorded without any action from {form.validFrom}
            {form.validTo ? ` to ${form.validTo}` : ' onwards'}.
          </p>
          <div className="form-actions span2">
            <button type="submit" className="btn primary">
              Record consent
            </button>
          </div>
        </form>
      ) : (
        <p className="muted small">Supervisors and admins record and revoke consents.</p>
      )}
    </div>
  );
}
