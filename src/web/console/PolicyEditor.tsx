import { useState } from 'react';
import { api, type ApiError } from '../api';
import { Modal } from '../shared/ui';

interface Problem {
  line: number;
  column: number;
  field: string;
  message: string;
}

/**
 * A new policy version for supervisors: start from the version in force, validate (problems
 * named by line and field), then activate after reading what that means.
 */
export function PolicyEditor(props: { currentRef: string | null; onActivated: () => void }) {
  const [text, setText] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [valid, setValid] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [announce, setAnnounce] = useState(true);
  const open = async () => {
    try {
      setText(props.currentRef ? (await api.policy.source(props.currentRef)).source : '');
      setProblems(null);
      setValid(null);
    } catch (e) {
      setMsg((e as ApiError).message);
    }
  };
  const refused = (e: unknown) => {
    const err = e as ApiError;
    const found = (err.details as { problems?: Problem[] } | null)?.problems;
    if (found) setProblems(found);
    else setMsg(err.unavailable ? 'Not available on this server yet.' : err.message);
  };
  const validate = async () => {
    setMsg(null);
    setProblems(null);
    try {
      setValid((await api.policy.validate(text ?? '')).ref);
    } catch (e) {
      setValid(null);
      refused(e);
    }
  };
  const activate = async () => {
    try {
      const r = await api.policy.activate(text ?? '', announce);
      setConfirm(false);
      setText(null);
      setMsg(r.stored ? `Activated ${r.ref}.` : `${r.ref} was already stored; it is the version in force.`);
      props.onActivated();
    } catch (e) {
      setConfirm(false);
      refused(e);
    }
  };
  if (text === null)
    return (
      <div className="policy-edit">
        <button type="button" className="btn" onClick={open}>
          Write a new version…
        </button>
        {msg && <p className="notice info">{msg}</p>}
      </div>
    );
  return (
    <section className="card policy-edit">
      <div className="card-head">
        <h3>New policy version</h3>
        <div className="btn-row">
          <button type="button" className="btn ghost" onClick={() => setText(null)}>
            Discard
          </button>
          <button type="button" className="btn" onClick={validate}>
            Validate
          </button>
          <button type="button" className="btn primary" disabled={!valid} onClick={() => setConfirm(true)}>
            Activate…
          </button>
        </div>
      </div>
      <p className="muted small">Change the version number and the handling; clauses quote the AUP word for word. Validate first: activation needs a valid text.</p>
      <textarea
        className="code"
        spellCheck={false}
        rows={28}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setValid(null);
        }}
        aria-label="Policy text (YAML)"
      />
      {valid && <p className="notice success">Valid: {valid}</p>}
      {problems && (
        <div className="notice error">
          <strong>{problems.length} problem(s)</strong>
          <ul className="plain small">
            {problems.map((p, i) => (
              <li key={i} className="mono">
                line {p.line}:{p.column} {p.field || '(document)'}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {msg && <p className="form-message">{msg}</p>}
      <Modal open={confirm} title="Activate this policy version?" onClose={() => setConfirm(false)}>
        <p className="effect">
          <strong>{valid}</strong> becomes the policy in force from its effective date. Every decision taken from then on follows it; cases keep the version they were opened under.
        </p>
        <label className="check-label">
          <input type="checkbox" checked={announce} onChange={(e) => setAnnounce(e.target.checked)} /> Tell customers once that the policy changed
        </label>
        <footer>
          <button type="button" className="btn ghost" onClick={() => setConfirm(false)}>
            Back
          </button>
          <button type="button" className="btn primary" onClick={activate}>
            Activate
          </button>
        </footer>
      </Modal>
    </section>
  );
}
