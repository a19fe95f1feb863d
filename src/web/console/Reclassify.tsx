import { useState } from 'react';
import { api, ApiError, type CaseDetail } from '../api';
import { CATEGORIES } from '../shared/policy';

/**
 * Unclassified (or not yet worked) cases: the operator names the category the pipeline could not,
 * and the events go back through correlation with it. The line under the picker says what will
 * happen before the button does it.
 */
export function Reclassify(props: { c: CaseDetail; onChanged: () => void }) {
  const c = props.c;
  const [category, setCategory] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const eligible = !c.closedAt && (c.category === 'unclassified' || c.status === 'open');
  // Once reclassified the case may close at once (its last event left): the outcome stays in view.
  if (!eligible && !msg) return null;
  const events = c.events.slice(0, 200);
  const run = async () => {
    setBusy(true);
    setMsg(null);
    let done = 0;
    try {
      for (const e of events) {
        await api.events.setCategory(e.id, category);
        done++;
      }
      setMsg({ tone: 'info', text: `${done} event${done === 1 ? '' : 's'} sent back to correlation as ${category}.` });
      props.onChanged();
    } catch (e) {
      setMsg({ tone: 'error', text: `${done} done; then: ${e instanceof ApiError ? e.message : String(e)}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-label="Reclassify">
      <h3>Category</h3>
      {eligible && (
        <>
          <label className="small">
            Set the category of its events{' '}
            <select name="reclassify" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">choose…</option>
              {CATEGORIES.filter((k) => k !== c.category).map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          {category && (
            <p className="muted small" data-testid="reclassify-preview">
              {events.length} event{events.length === 1 ? '' : 's'} go back to correlation as <strong>{category}</strong>: each joins the open {category} case of {c.customer} for its address, or opens one. This case closes when its last event has left.
            </p>
          )}
          <button type="button" className="btn small" disabled={!category || busy || !events.length} onClick={run}>
            Reclassify
          </button>
        </>
      )}
      {msg && (
        <p className={`notice ${msg.tone}`} role="status">
          {msg.text}
        </p>
      )}
    </section>
  );
}
