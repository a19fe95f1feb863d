import { api } from '../api';
import { useAsync } from '../shared/hooks';
import { CATEGORIES, CLAUSES } from '../shared/policy';
import { Category, Loading, Problem } from '../shared/ui';

/** The policy in force: per category, its clause and the steps the server's policy version takes. */
export function PolicyPage() {
  const policy = useAsync(() => api.policy.get(), []);
  const rules = new Map((policy.data?.rules ?? []).map((r) => [r.category, r]));
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Policy</h1>
          <p className="muted">{policy.data ? `Version ${policy.data.version}${policy.data.effectiveFrom ? `, in force since ${policy.data.effectiveFrom.slice(0, 10)}` : ''}` : 'What the AUP says for each category.'}</p>
        </div>
      </header>
      {policy.loading && <Loading />}
      {policy.error && <Problem error={policy.error} what="The policy engine’s rules" />}
      <table className="grid">
        <thead>
          <tr>
            <th>Category</th>
            <th>AUP clause</th>
            <th>{policy.data ? 'Steps (this version)' : 'Default handling'}</th>
          </tr>
        </thead>
        <tbody>
          {CATEGORIES.map((c) => {
            const r = rules.get(c);
            return (
              <tr key={c}>
                <td>
                  <Category value={c} />
                </td>
                <td className="small">{CLAUSES[c]?.clause}</td>
                <td className="small">
                  {r ? (
                    <ol className="plain">
                      {r.steps.map((s, i) => (
                        <li key={i}>
                          <strong>{s.kind}</strong>
                          {s.scope ? ` (${s.scope})` : ''}
                          {s.after ? ` after ${s.after}` : ''}
                          {s.deadline ? `, deadline ${s.deadline}` : ''}
                          {s.approval ? `, ${s.approval} approval` : ''}
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
    </div>
  );
}
