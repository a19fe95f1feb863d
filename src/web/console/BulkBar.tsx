import { useState } from 'react';
import { api, type ApiError } from '../api';
import { Modal } from '../shared/ui';
import type { Row } from './rows';

const OPS: { op: string; label: string; effect: (n: number) => string; needsText?: string }[] = [
  { op: 'approve', label: 'Approve pending steps', effect: (n) => `Approves every step awaiting approval on these ${n} cases. Approved steps run at their scheduled time (notices are sent, suspensions applied).` },
  { op: 'close', label: 'Close', effect: (n) => `Closes these ${n} cases. Steps not yet run are cancelled; new reports about the same resource will open a new case.`, needsText: 'Reason for closing' },
  { op: 'note', label: 'Add note', effect: (n) => `Adds the same internal note to these ${n} cases. Customers never see notes.`, needsText: 'Note' },
];

/** Bulk actions over the selected cases, each previewed in words before it is sent. */
export function BulkBar(props: { rows: Row[]; selected: Set<string>; onDone: () => void; reparse?: boolean }) {
  const chosen = props.rows.filter((r) => props.selected.has(r.key));
  const caseIds = [...new Set(chosen.map((r) => r.caseId).filter((x): x is number => x !== null))];
  const reportIds = [...new Set(chosen.map((r) => r.reportId).filter((x): x is number => x !== null))];
  const [op, setOp] = useState<(typeof OPS)[number] | 'reparse' | null>(null);
  const [text, setText] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!chosen.length) return null;
  const run = async () => {
    setBusy(true);
    try {
      if (op === 'reparse') {
        let ok = 0;
        const failed: string[] = [];
        for (const id of reportIds) {
          try {
            await api.reports.reparse(id);
            ok++;
          } catch (e) {
            failed.push(`report ${id}: ${(e as ApiError).message}`);
          }
        }
        setResult(`${ok} report(s) queued for parsing again.${failed.length ? ` Failed: ${failed.join('; ')}` : ''}`);
      } else if (op) {
        const r = await api.cases.bulk(caseIds, op.op, op.needsText ? (op.op === 'note' ? { text } : { reason: text }) : {});
        setResult(`${r.done} case(s) done.${r.failed?.length ? ` ${r.failed.length} failed: ${r.failed.map((f) => `#${f.id} ${f.error}`).join('; ')}` : ''}`);
      }
      props.onDone();
    } catch (e) {
      const err = e as ApiError;
      setResult(err.unavailable ? 'Bulk actions are not available on this server yet.' : err.message);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setOp(null);
    setText('');
    setResult(null);
  };
  const current = op === 'reparse' ? null : op;
  return (
    <div className="bulkbar" role="region" aria-label="Bulk actions">
      <strong>{chosen.length} selected</strong>
      {caseIds.length > 0 &&
        OPS.map((o) => (
          <button key={o.op} type="button" className="btn small" onClick={() => setOp(o)}>
            {o.label}
          </button>
        ))}
      {props.reparse && reportIds.length > 0 && (
        <button type="button" className="btn small" onClick={() => setOp('reparse')}>
          Re-parse {reportIds.length}
        </button>
      )}
      <Modal open={op !== null} title={op === 'reparse' ? 'Re-parse reports' : (current?.label ?? '')} onClose={close}>
        <p className="effect">
          {op === 'reparse' ? `Queues ${reportIds.length} report(s) to be parsed again with the current parsers. Events already stored are not duplicated.` : current?.effect(caseIds.length)}
        </p>
        <p className="muted small">{op === 'reparse' ? `Reports: ${reportIds.join(', ')}` : `Cases: ${caseIds.map((c) => `#${c}`).join(', ')}`}</p>
        {current?.needsText && (
          <label>
            {current.needsText}
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} autoFocus />
          </label>
        )}
        {result && <p className="form-message" role="status">{result}</p>}
        <footer>
          <button type="button" className="btn ghost" onClick={close}>
            {result ? 'Close' : 'Cancel'}
          </button>
          {!result && (
            <button type="button" className="btn primary" disabled={busy || (!!current?.needsText && !text.trim())} onClick={run}>
              {busy ? 'Working…' : 'Confirm'}
            </button>
          )}
        </footer>
      </Modal>
    </div>
  );
}
