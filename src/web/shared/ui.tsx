import { type ReactNode, useEffect, useRef } from 'react';
import type { ApiError } from '../api';

export function Loading(props: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {props.label ?? 'Loading…'}
    </div>
  );
}

/** A failed request: "not available" when the server lacks the route, otherwise the error itself. */
export function Problem(props: { error: ApiError; what?: string; onRetry?: () => void }) {
  if (props.error.unavailable)
    return (
      <div className="notice unavailable" data-unavailable="true">
        <strong>{props.what ? `${props.what}: not available` : 'Not available'}</strong>
        <span>This server does not offer this yet.</span>
      </div>
    );
  return (
    <div className="notice error" role="alert">
      <strong>{props.what ? `${props.what} could not be loaded` : 'Something went wrong'}</strong>
      <span>{props.error.message}</span>
      {props.onRetry && (
        <button type="button" className="btn small" onClick={props.onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className="empty">{props.children}</div>;
}

const STATUS_TONE: Record<string, string> = {
  open: 'blue',
  new: 'blue',
  pending: 'amber',
  proposed: 'amber',
  'awaiting-approval': 'amber',
  'awaiting-customer': 'violet',
  approved: 'green',
  scheduled: 'green',
  done: 'gray',
  sent: 'gray',
  closed: 'gray',
  resolved: 'gray',
  cancelled: 'gray',
  failed: 'red',
  overdue: 'red',
  unassigned: 'amber',
  parsed: 'green',
  received: 'blue',
  'not-actionable': 'gray',
};

export function Pill(props: { value: string; tone?: string }) {
  return <span className={`pill ${props.tone ?? STATUS_TONE[props.value] ?? 'gray'}`}>{props.value}</span>;
}

const SEVERE = new Set(['child-abuse', 'illegal-software', 'adult-content', 'malware', 'phishing', 'dos']);
const INFO = new Set(['vulnerable-service', 'unclassified']);

export function Category(props: { value: string }) {
  const tone = SEVERE.has(props.value) ? 'severe' : INFO.has(props.value) ? 'info' : 'normal';
  return <span className={`cat ${tone}`}>{props.value}</span>;
}

/** Keyboard hint, drawn like a key cap. */
export function Kbd(props: { children: ReactNode }) {
  return <kbd>{props.children}</kbd>;
}

/**
 * A modal built on <dialog>: focus is trapped by the browser, Escape closes it. Used for every
 * step that changes state, so the operator reads what will happen before it happens.
 */
export function Modal(props: { open: boolean; title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className={props.wide ? 'modal wide' : 'modal'} onClose={props.onClose} aria-label={props.title}>
      {props.open && (
        <>
          <header>
            <h2>{props.title}</h2>
            <button type="button" className="icon" aria-label="Close" onClick={props.onClose}>
              ×
            </button>
          </header>
          <div className="modal-body">{props.children}</div>
        </>
      )}
    </dialog>
  );
}
