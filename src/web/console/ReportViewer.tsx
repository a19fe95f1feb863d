import { useEffect, useState } from 'react';
import { api, ApiError, type ReportDetail } from '../api';
import { fmtBytes, fmtTime } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { authResults, type MailView, readMail, sha256Hex } from '../shared/mime';
import { Loading, Pill, Problem } from '../shared/ui';

/** Bytes to a one-char-per-byte string, so the MIME reader decodes charsets itself. */
async function rawText(id: number): Promise<string | null> {
  try {
    return await api.reports.raw(id);
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) return null;
    throw e;
  }
}

/**
 * The server's text view of the report when it has one; otherwise the raw bytes, read here. The
 * raw source itself is fetched only when the operator opens its tab.
 */
async function load(id: number): Promise<{ report: ReportDetail | null; raw: string | null; mail: MailView | null }> {
  let report: ReportDetail | null = null;
  let failure: ApiError | null = null;
  try {
    report = await api.reports.get(id);
  } catch (e) {
    failure = e as ApiError;
  }
  if (report?.headers) return { report, raw: null, mail: null };
  const raw = await rawText(id);
  if (!report && raw === null) throw failure ?? new ApiError(404, 'unavailable', 'Not available on this server yet.');
  return { report, raw, mail: raw !== null ? readMail(raw) : null };
}

function RawSource(props: { id: number; raw: string | null }) {
  const data = useAsync(() => (props.raw !== null ? Promise.resolve(props.raw) : rawText(props.id)), [props.id]);
  if (data.loading) return <Loading label="Loading the raw source…" />;
  if (data.error) return <Problem error={data.error} what="Raw source" />;
  const raw = data.data ?? '';
  return <pre className="mailbody raw">{raw.length > 400_000 ? `${raw.slice(0, 400_000)}\n… (truncated for display)` : raw}</pre>;
}

function Verdict(props: { name: string; value: string }) {
  const tone = props.value === 'pass' ? 'green' : props.value === 'none' || props.value === 'neutral' ? 'gray' : 'red';
  return (
    <span className="verdict">
      <span className="muted">{props.name}</span> <Pill value={props.value} tone={tone} />
    </span>
  );
}

function AttachmentHash(props: { bytes: Uint8Array | null; known?: string }) {
  const [hash, setHash] = useState<string | null>(props.known ?? null);
  useEffect(() => {
    if (!props.known && props.bytes) sha256Hex(props.bytes).then(setHash, () => setHash(null));
  }, [props.bytes, props.known]);
  return <span className="mono hash">{hash ?? '—'}</span>;
}

/**
 * The original report, shown as text and nothing else: every header, the body and each
 * attachment's name are React text nodes, so markup in a hostile report is displayed, never
 * parsed. (The page's CSP and Trusted Types are the second wall.)
 */
export function ReportViewer(props: { id: number; compact?: boolean }) {
  const data = useAsync(() => load(props.id), [props.id]);
  const [tab, setTab] = useState<'body' | 'headers' | 'raw'>('body');
  if (data.loading && !data.data) return <Loading label={`Loading report ${props.id}…`} />;
  if (data.error) return <Problem error={data.error} what={`Report ${props.id}`} onRetry={data.reload} />;
  const { report, mail, raw } = data.data!;
  const headers = report?.headers ?? mail?.headers ?? [];
  const body = report?.body ?? mail?.body ?? '';
  const attachments = report?.attachments?.map((a) => ({ ...a, bytes: null as Uint8Array | null })) ?? mail?.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, sha256: undefined, bytes: a.bytes })) ?? [];
  const auth = report?.authentication
    ? { spf: report.authentication.spf ?? 'none', dkim: report.authentication.dkim ?? 'none', dmarc: report.authentication.dmarc ?? 'none' }
    : authResults(headers, report?.meta ?? {});
  const subject = report?.subject ?? headers.find((h) => h.name.toLowerCase() === 'subject')?.value ?? '(no subject)';
  return (
    <section className="report" aria-label={`Report ${props.id}`} data-report={props.id}>
      <header className="report-head">
        <div>
          <div className="report-subject" data-testid="report-subject">{subject}</div>
          <div className="muted small">
            Report {props.id}
            {report && (
              <>
                {' · '}
                {report.channel} · received {fmtTime(report.receivedAt)} · {report.format ?? 'unknown format'} · {fmtBytes(report.size)} · <Pill value={report.status} />
              </>
            )}
          </div>
          {report?.error && <div className="notice error small">{report.error}</div>}
        </div>
        <div className="auth">
          <Verdict name="SPF" value={auth.spf} />
          <Verdict name="DKIM" value={auth.dkim} />
          <Verdict name="DMARC" value={auth.dmarc} />
        </div>
      </header>
      <dl className="facts">
        <dt>From</dt>
        <dd className="mono">{report?.reporter ?? headers.find((h) => h.name.toLowerCase() === 'from')?.value ?? '—'}</dd>
        <dt>SHA-256</dt>
        <dd className="mono hash" data-testid="report-sha256">{report?.sha256 ?? '—'}</dd>
        {report?.messageId && (
          <>
            <dt>Message-ID</dt>
            <dd className="mono">{report.messageId}</dd>
          </>
        )}
      </dl>
      <div className="tabs" role="tablist">
        {(['body', 'headers', 'raw'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab on' : 'tab'} onClick={() => setTab(t)}>
            {t === 'body' ? 'Body' : t === 'headers' ? `Headers (${headers.length})` : 'Raw source'}
          </button>
        ))}
      </div>
      {tab === 'body' && (
        <>
          {mail && mail.bodyType === 'text/html' && <p className="muted small">HTML body shown as source text; it is never rendered.</p>}
          {report?.parseError && <p className="notice error small">{report.parseError}</p>}
          <pre className="mailbody" data-testid="report-body">{body || '(empty body)'}</pre>
          {report?.bodyTruncated && <p className="muted small">The body is cut short here; the raw source has all of it.</p>}
        </>
      )}
      {tab === 'headers' && (
        <table className="headers">
          <tbody>
            {headers.map((h, i) => (
              <tr key={i}>
                <th className="mono">{h.name}</th>
                <td className="mono">{h.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tab === 'raw' && <RawSource id={props.id} raw={raw} />}
      <h4>Attachments ({attachments.length})</h4>
      {attachments.length ? (
        <table className="grid compact" data-testid="report-attachments">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th className="num">Size</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {attachments.map((a, i) => (
              <tr key={i}>
                <td className="mono">{a.filename ?? '(unnamed)'}</td>
                <td className="mono">{a.contentType}</td>
                <td className="num">{fmtBytes(a.size)}</td>
                <td>
                  <AttachmentHash bytes={a.bytes} known={a.sha256} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">None.</p>
      )}
    </section>
  );
}
