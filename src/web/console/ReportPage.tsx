import { useState } from 'react';
import { api, type ApiError } from '../api';
import { ReportViewer } from './ReportViewer';

/** One report on its own: failed reports and unassigned events land here. */
export function ReportPage(props: { id: number }) {
  const [msg, setMsg] = useState<string | null>(null);
  const [key, setKey] = useState(0);
  const reparse = async () => {
    try {
      await api.reports.reparse(props.id);
      setMsg('Queued for parsing again with the current parsers.');
      setKey((k) => k + 1);
    } catch (e) {
      const err = e as ApiError;
      setMsg(err.unavailable ? 'Re-parse is not available on this server yet.' : err.message);
    }
  };
  return (
    <div className="page">
      <header className="page-head">
        <h1>Report {props.id}</h1>
        <button type="button" className="btn" onClick={reparse}>
          Re-parse
        </button>
      </header>
      {msg && <p className="notice info" role="status">{msg}</p>}
      <div className="card">
        <ReportViewer key={key} id={props.id} />
      </div>
    </div>
  );
}
