import { useState } from 'react';
import { api, type ApiError, type CaseAction, type CaseDetail, type Session } from '../api';
import { fmtAgo, fmtTime } from '../shared/format';
import { useKeys } from '../shared/hooks';
import { ACTION_EFFECT, ACTION_KINDS, SCOPES } from '../shared/policy';
import { Kbd, Modal, Pill } from '../shared/ui';

type Dialog =
  | { kind: 'approve'; action: CaseAction }
  | { kind: 'cancel'; action: CaseAction }
  | { kind: 'retry'; action: CaseAction }
  | { kind: 'propose' }
  | { kind: 'resolve' }
  | { kind: 'note' }
  | { kind: 'reply' };

const PENDING = new Set(['proposed', 'pending', 'awaiting-approval', 'planned']);

export function isPending(a: CaseAction): boolean {
  return PENDING.has(a.status) || (a.approval != null && !a.approvedBy && !['cancelled', 'done', 'failed', 'sent'].includes(a.status));
}

function describe(a: { kind: string; scope?: string | null; dueAt?: string | null }): string {
  return `${a.kind}${a.scope ? ` (${a.scope})` : ''}${a.dueAt ? `, due ${fmtTime(a.dueAt)} UTC` : ''}`;
}

/**
 * The buttons for what comes next. Each opens a dialog that says in words what will happen, to
 * whom, and only then offers to do it.
 */
export function NextSteps(props: { c: CaseDetail; session: Session; contacts: string[]; onChanged: () => void }) {
  const c = props.c;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [text, setText] = useState('');
  const [kind, setKind] = useState<string>('notify-customer');
  const [scope, setScope] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const pending = c.actions.filter(isPending);
  const failed = c.actions.filter((a) => a.status === 'failed');
  const open = (d: Dialog) => {
    setDialog(d);
    setText('');
    setError(null);
  };
  useKeys(
    {
      a: () => pending[0] && open({ kind: 'approve', action: pending[0] }),
      p: () => open({ kind: 'propose' }),
      n: () => open({ kind: 'note' }),
      r: () => open({ kind: 'reply' }),
    },
    [pending.length, c.id],
  );
  const run = async () => {
    if (!dialog) return;
    setBusy(true);
    setError(null);
    try {
      if (dialog.kind === 'approve') await api.cases.approve(dialog.action.id);
      if (dialog.kind === 'cancel') await api.cases.cancel(dialog.action.id, text);
      if (dialog.kind === 'retry') await api.cases.retry(dialog.action.id);
      if (dialog.kind === 'resolve') await api.cases.resolve(c.id, text);
      if (dialog.kind === 'propose') await api.cases.propose(c.id, { kind, scope: scope || null, reason: text || undefined });
      if (dialog.kind === 'note') await api.cases.note(c.id, text);
      if (dialog.kind === 'reply') await api.cases.reply(c.id, text);
      setDone(
        dialog.kind === 'approve' ? `Approved: ${describe(dialog.action)}.` : dialog.kind === 'cancel' ? `Cancelled: ${describe(dialog.action)}.` : dialog.kind === 'retry' ? `Trying again: ${describe(dialog.action)}.` : dialog.kind === 'resolve' ? 'Case resolved.' : dialog.kind === 'propose' ? `Proposed: ${describe({ kind, scope })}.` : dialog.kind === 'note' ? 'Note added.' : 'Reply sent.',
      );
      setDialog(null);
      props.onChanged();
    } catch (e) {
      const err = e as ApiError;
      setError(err.unavailable ? 'Not available on this server yet.' : err.status === 403 ? `Your role (${props.session.user.role}) may not do this: ${err.message}` : err.message);
    } finally {
      setBusy(false);
    }
  };
  const to = props.contacts.length ? props.contacts.join(', ') : 'the customer’s contact addresses';
  const needsText = dialog?.kind === 'note' || dialog?.kind === 'reply' || dialog?.kind === 'cancel' || dialog?.kind === 'resolve';
  const closed = !!c.closedAt;
  return (
    <section className="card steps" aria-label="Next steps">
      <h3>Next steps</h3>
      {done && <p className="notice success" role="status">{done}</p>}
      {pending.length ? (
        <ul className="pending">
          {pending.map((a) => (
            <li key={a.id}>
              <div>
                <strong>{a.kind}</strong>
                {a.scope && <span className="muted"> · {a.scope}</span>}
                <div className="muted small">
                  step {a.step ?? '—'} · {a.approval ? `needs ${a.approval} approval` : 'awaiting approval'}
                  {a.dueAt && ` · due ${fmtAgo(a.dueAt)}`}
                </div>
              </div>
              <div className="btn-row">
                <button type="button" className="btn primary small" onClick={() => open({ kind: 'approve', action: a })}>
                  Approve…
                </button>
                <button type="button" className="btn small" onClick={() => open({ kind: 'cancel', action: a })}>
                  Cancel…
                </button>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No step is waiting for approval.</p>
      )}
      {failed.length > 0 && (
        <ul className="pending failed">
          {failed.map((a) => (
            <li key={a.id}>
              <div>
                <strong>{a.kind}</strong>
                {a.scope && <span className="muted"> · {a.scope}</span>} <Pill value="failed" />
                <div className="muted small">{a.lastError ?? 'failed'}</div>
              </div>
              <div className="btn-row">
                <button type="button" className="btn small" onClick={() => open({ kind: 'retry', action: a })}>
                  Retry…
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="btn-row wrap">
        <button type="button" className="btn" onClick={() => open({ kind: 'propose' })}>
          Propose a step… <Kbd>p</Kbd>
        </button>
        <button type="button" className="btn" onClick={() => open({ kind: 'note' })}>
          Note… <Kbd>n</Kbd>
        </button>
        <button type="button" className="btn" onClick={() => open({ kind: 'reply' })}>
          Reply… <Kbd>r</Kbd>
        </button>
        {!closed && (
          <button type="button" className="btn" onClick={() => open({ kind: 'resolve' })}>
            Resolve…
          </button>
        )}
      </div>
      <Modal
        open={dialog !== null}
        title={dialog?.kind === 'approve' ? 'Approve this step?' : dialog?.kind === 'cancel' ? 'Cancel this step?' : dialog?.kind === 'retry' ? 'Try this step again?' : dialog?.kind === 'resolve' ? 'Resolve this case?' : dialog?.kind === 'propose' ? 'Propose a step' : dialog?.kind === 'note' ? 'Add an internal note' : 'Reply to the customer'}
        onClose={() => setDialog(null)}
      >
        {dialog?.kind === 'approve' && (
          <div className="preview" data-testid="preview">
            <p className="effect">
              <strong>{describe(dialog.action)}</strong> on case #{c.id} ({c.resource}, {c.customerName ?? c.customer}).
            </p>
            <p>{ACTION_EFFECT[dialog.action.kind] ?? 'Runs this step as the policy defines it.'}</p>
            {dialog.action.kind === 'notify-customer' && <p className="muted">Recipients: {to}</p>}
            <p className="muted small">Recorded in the audit log as approved by {props.session.user.email}.</p>
          </div>
        )}
        {dialog?.kind === 'cancel' && (
          <div className="preview" data-testid="preview">
            <p className="effect">
              Cancels <strong>{describe(dialog.action)}</strong>. It will not run. The case stays open.
            </p>
          </div>
        )}
        {dialog?.kind === 'retry' && (
          <div className="preview" data-testid="preview">
            <p className="effect">
              Runs <strong>{describe(dialog.action)}</strong> again ({dialog.action.attempts ?? 0} attempt(s) so far). It keeps its idempotency key, so a step that did get through the first time is not done twice.
            </p>
            {dialog.action.lastError && <p className="muted">Last error: {dialog.action.lastError}</p>}
          </div>
        )}
        {dialog?.kind === 'propose' && (
          <div className="form-grid">
            <label>
              Step
              <select value={kind} onChange={(e) => setKind(e.target.value)} autoFocus>
                {ACTION_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Scope
              <select value={scope} onChange={(e) => setScope(e.target.value)}>
                <option value="">(the case’s resource)</option>
                {SCOPES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="span2">
              Reason
              <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} />
            </label>
            <div className="preview span2" data-testid="preview">
              <p className="effect">
                Adds <strong>{describe({ kind, scope })}</strong> to case #{c.id}. It does nothing until it is approved.
              </p>
              <p className="muted">Once approved: {ACTION_EFFECT[kind]}</p>
            </div>
          </div>
        )}
        {dialog?.kind === 'resolve' && (
          <div className="preview" data-testid="preview">
            <p className="effect">
              Closes case #{c.id} ({c.resource}) as resolved. Steps still proposed are cancelled; a step under way makes the server refuse. New reports about {c.resource} open a new case.
            </p>
          </div>
        )}
        {(dialog?.kind === 'note' || dialog?.kind === 'reply' || dialog?.kind === 'cancel' || dialog?.kind === 'resolve') && (
          <label>
            {dialog.kind === 'note' ? 'Note' : dialog.kind === 'reply' ? 'Message' : 'Reason'}
            <textarea rows={dialog.kind === 'reply' ? 8 : 3} value={text} onChange={(e) => setText(e.target.value)} autoFocus name="text" />
          </label>
        )}
        {dialog?.kind === 'note' && <p className="preview muted" data-testid="preview">Adds an internal note to case #{c.id}. Operators see it in the timeline; the customer never does.</p>}
        {dialog?.kind === 'reply' && (
          <p className="preview" data-testid="preview">
            Sends this message by e-mail to <strong>{to}</strong> and shows it in the customer’s portal under case #{c.id}. Reporter details are never included.
          </p>
        )}
        {error && <p className="form-message" role="alert">{error}</p>}
        <footer>
          <button type="button" className="btn ghost" onClick={() => setDialog(null)}>
            Back
          </button>
          <button type="button" className={dialog?.kind === 'cancel' ? 'btn danger' : 'btn primary'} disabled={busy || (needsText && !text.trim())} onClick={run}>
            {busy ? 'Working…' : dialog?.kind === 'approve' ? 'Approve' : dialog?.kind === 'cancel' ? 'Cancel step' : dialog?.kind === 'retry' ? 'Retry' : dialog?.kind === 'resolve' ? 'Resolve case' : dialog?.kind === 'propose' ? 'Propose' : dialog?.kind === 'note' ? 'Add note' : 'Send reply'}
          </button>
        </footer>
      </Modal>
    </section>
  );
}
