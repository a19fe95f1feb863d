import { api } from '../api';
import { fmtDay } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { CATEGORIES, CLAUSES } from '../shared/policy';
import { Category, Loading, Pill, Problem } from '../shared/ui';
import type { Session } from '../api';
import { PolicyEditor } from './PolicyEditor';

/** The policy in force: per category its clause and ladder of steps, and every stored version. */
export function PolicyPage(props: { session: Session }) {
  const canEdit = props.session.user.role === 'supervisor' || props.session.user.role === 'admin';
  const policy = useAsync(() => api.policy.get(), []);
  const p = policy.data?.inForce;
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Policy</h1>
          <p className="muted">
            {p ? `${p.id ?? 'policy'} version ${p.version ?? '?'}${p.effectiveFrom ? `, in force since ${fmtDay(p.effectiveFrom)}` : ''}. Supervisors write new versions here or with \`abusedesk policy\`.` : 'What the AUP says for each category.'}
          </p>
        </div>
      </header>
      {canEdit && policy.data && <PolicyEditor currentRef={policy.data.versions.find((v) => v.inForce)?.ref ?? null} onActivated={policy.reload} />}
      {policy.loading && <Loading />}
      {policy.error && <Problem error={policy.error} what="The policy engine’s rules" />}
      <table className="grid">
        <thead>
          <tr>
            <th>Category</th>
            <th>AUP clause</th>
            <th>{p ? 'Ladder (this version)' : 'Default handling'}</th>
          </tr>
        </thead>
        <tbody>
          {CATEGORIES.map((c) => {
            const r = p?.categories?.[c];
            return (
              <tr key={c}>
                <td>
                  <Category value={c} />
                  {r?.severity && <div className="muted small">{r.severity}</div>}
                </td>
                <td className="small">{r?.section ?? CLAUSES[c]?.clause}</td>
                <td className="small">
                  {r?.ladder ? (
                    <ol className="plain ladder">
                      {r.ladder.map((s, i) => (
                        <li key={i}>
                          <strong>{s.actions.map((a) => `${a.kind}${a.scope ? ` (${a.scope})` : ''}`).join(' + ')}</strong>
                          <span className="muted">
                            {i === 0 ? ' · when the case qualifies' : s.when ? ` · on ${s.when}` : ''}
                            {s.approval && s.approval !== 'none' ? ` · ${s.approval} approval` : ''}
                            {s.deadline ? ` · deadline ${s.deadline}` : ''}
                          </span>
                        </li>
                      ))}
                    </ol>
                  ) : (
                    CLAUSES[c]?.handling
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {policy.data && policy.data.versions.length > 0 && (
        <section className="card versions">
          <h3>Versions</h3>
          <table className="grid compact">
            <thead>
              <tr>
                <th>Version</th>
                <th>Effective from</th>
                <th>Activated</th>
                <th>By</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {policy.data.versions.map((v) => (
                <tr key={v.ref}>
                  <td className="mono">{v.ref}</td>
                  <td>{fmtDay(v.effectiveFrom)}</td>
                  <td>{fmtDay(v.activatedAt)}</td>
                  <td>{v.activatedBy}</td>
                  <td>{v.inForce ? <Pill value="in force" tone="green" /> : v.scheduled ? <Pill value="scheduled" tone="amber" /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
