import { type ChangeEvent, useState } from 'react';
import { api, type ApiError } from '../api';
import { Modal } from '../shared/ui';

type Doc = { customers?: unknown[]; services?: unknown[]; ipAssignments?: unknown[]; domains?: unknown[] };

/** Supervisors import the inventory document here as with `abusedesk inventory import`: all or nothing, counted first. */
export function InventoryImport(props: { onImported: () => void }) {
  const [doc, setDoc] = useState<{ name: string; doc: Doc } | null>(null);
  const [msg, setMsg] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setMsg(null);
    try {
      const parsed = JSON.parse(await file.text()) as Doc;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the file is not an inventory document (an object with customers, services, ipAssignments, domains)');
      setDoc({ name: file.name, doc: parsed });
    } catch (err) {
      setMsg({ tone: 'error', text: `${file.name}: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  const run = async () => {
    if (!doc) return;
    setBusy(true);
    try {
      const r = await api.inventory.import(doc.doc);
      setMsg({ tone: 'success', text: `Imported ${doc.name}: ${r.customers} customers, ${r.services} services, ${r.ipAssignments} address assignments, ${r.domains} domains.` });
      setDoc(null);
      props.onImported();
    } catch (err) {
      const e2 = err as ApiError;
      setMsg({ tone: 'error', text: e2.unavailable ? 'Importing is not available on this server yet.' : `Nothing was imported. ${e2.message}` });
      setDoc(null);
    } finally {
      setBusy(false);
    }
  };
  const n = (k: keyof Doc) => (Array.isArray(doc?.doc[k]) ? doc!.doc[k]!.length : 0);
  return (
    <div className="import">
      <label className="btn">
        Import JSON…
        <input type="file" accept="application/json,.json" onChange={pick} className="visually-hidden" />
      </label>
      {msg && <p className={`notice ${msg.tone}`} role="status">{msg.text}</p>}
      <Modal open={doc !== null} title="Import the inventory?" onClose={() => setDoc(null)}>
        <p className="effect">
          <strong>{doc?.name}</strong>: {n('customers')} customers, {n('services')} services, {n('ipAssignments')} address assignments, {n('domains')} domains.
        </p>
        <p>Records are added or updated by id; importing the same file twice changes nothing. If any record is wrong, nothing is imported and the error names the record and field. Reports are resolved against the new inventory from now on.</p>
        <footer>
          <button type="button" className="btn ghost" onClick={() => setDoc(null)}>
            Back
          </button>
          <button type="button" className="btn primary" disabled={busy} onClick={run}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </footer>
      </Modal>
    </div>
  );
}
