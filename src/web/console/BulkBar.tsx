import { useState } from 'react';
import { api, type ApiError } from '../api';
import { Modal } from '../shared/ui';
import type { Row } from './rows';

type Op = 'approve' | 'retry' | 'close' | 'note' | 'reparse';

const LABEL: Record<Op, string> = { approve: 'Approve', retry: 'Retry', close: 'Close cases', note: 'Add note', reparse: 'Re-parse' };
const INPUT: Partial<Record<Op, string>> = { close: 'Reason for closing', note: 'Note' };

/**
 * Bulk actions over the selected rows, each previewed in words before it is sent: approve the
 * selected steps, note or close the selected cases, re-parse the selected reports.
 */
export function BulkBar(props: { rows: Row[]; selected: Set<string>; onDone: () => void; actionOp?: 'approve' | 'retry' }) {
  const actionOp = props.actionOp ?? 'approve';
  const chosen = props.rows.filter((r) => props.selected.has(r.key));
  const live = {
    actionIds: chosen.filter((r) => r.kind === 'action').map((r) => r.id),
    caseIds: [...new Set(chosen.filter((r) => r.kind === 'case' || r.kind === 'action').map((r) => r.caseId).filter((x): x is number => x !== null))],
    reportIds: [...new Set(chosen.filter((r) => r.kind === 'report' || r.kind === 'event').map((r) => r.reportId).filter((x): x is number => x !== null))],
  };
  // What the dialog acts on is fixed when it opens: the list may reload under it.
  const [target, setTarget] = useState(live);
  const { actionIds, caseIds, reportIds } = target;
  const [op, setOpState] = useState<Op | null>(null);
  const setOp = (o: Op | null) => {
    if (o) setTarget(live);
    setOpState(o);
  };
  const [text, setText] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!chosen.length && op === null) return null;
  const effect = (o: Op): string =>
    o === 'retry'
      ? `Tries ${actionIds.length} failed step(s) again with the same idempotency key, so nothing is done twice where the first attempt got through.`
      : o === 'approve'
      ? `Approves ${actionIds.length} proposed step(s) on ${caseIds.length} case(s). Each runs as the policy defines it: notices are mailed, suspensions applied. Recorded in the audit log under your name.`
      : o === 'close'
        ? `Closes ${caseIds.length} case(s). A case with a step under way is refused and left open. New reports about the same resources will open new cases.`
        : o === 'note'
          ? `Adds the same internal note to ${caseIds.length} case(s). Customers never see notes.`
          : `Parses ${reportIds.length} stored report(s) again with the current parsers. Events already stored are not duplicated.`;
  const run = async () => {
    if (!op) return;
    setBusy(true);
    try {
      const r =
        op === 'approve' || op === 'retry'
          ? await api.actions.many(op, actionIds)
          : op === 'reparse'
            ? await api.reports.reparseMany(reportIds)
            : await api.cases.bulk(caseIds, op, op === 'note' ? { text } : { reason: text });
      setResult(`${r.done} done.${r.failed?.length ? ` ${r.failed.length} refused: ${r.failed.map((f) => `#${f.id} ${f.error}`).join('; ')}` : ''}`);
      props.onDone();
    } catch (e) {
      const err = e as ApiError;
      setResult(err.unavailable ? 'This bulk action is not available on this server yet.' : err.message);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setOp(null);
    setText('');
    setResult(null);
  };
  const ops: Op[] = [...(live.actionIds.length ? [actionOp as Op] : []), ...(live.caseIds.length ? (['note', 'close'] as Op[]) : []), ...(live.reportIds.length ? (['reparse'] as Op[]) : [])];
  const needs = op ? INPUT[op] : undefined;
  return (
    <div className="bulkbar" role="region" aria-label="Bulk actions">
      <strong>{chosen.length} selected</strong>
      {ops.map((o) => (
        <button key={o} type="button" className="btn small" onClick={() => setOp(o)}>
          {LABEL[o]}…
        </button>
      ))}
      <Modal open={op !== null} title={op ? LABEL[op] : ''} onClose={close}>
        {op && <p className="effect" data-testid="preview">{effect(op)}</p>}
        <p className="muted small">
          {op === 'reparse' ? `Reports: ${reportIds.join(', ')}` : op === 'approve' || op === 'retry' ? `Steps: ${actionIds.map((a) => `#${a}`).join(', ')}` : `Cases: ${caseIds.map((c) => `#${c}`).join(', ')}`}
        </p>
        {needs && (
          <label>
            {needs}
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} autoFocus />
          </label>
        )}
        {result && <p className="form-message" role="status">{result}</p>}
        <footer>
          <button type="button" className="btn ghost" onClick={close}>
            {result ? 'Close' : 'Back'}
          </button>
          {!result && (
            <button type="button" className="btn primary" disabled={busy || (!!needs && !text.trim())} onClick={run}>
              {busy ? 'Working…' : 'Confirm'}
            </button>
          )}
        </footer>
      </Modal>
    </div>
  );
}
