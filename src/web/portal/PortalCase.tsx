import { useState } from 'react';
import { api, type ApiError, type PortalCaseDetail } from '../api';
import { useAsync } from '../shared/hooks';
import { Link } from '../shared/router';
import { Loading } from '../shared/ui';
import { useT } from './App';
import { fmtDate } from './i18n';

const OPTIONS = [
  { id: 'modify', title: 'optModify', text: 'optModifyText' },
  { id: 'pay', title: 'optPay', text: 'optPayText' },
  { id: 'move', title: 'optDedicated', text: 'optDedicatedText' },
] as const;

function evidenceLines(ev: Record<string, unknown>): [string, string][] {
  return Object.entries(ev)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .slice(0, 12)
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

export function PortalCase(props: { id: number }) {
  const { t, lang } = useT();
  const data = useAsync(() => api.portal.case(props.id), [props.id]);
  const [reply, setReply] = useState('');
  const [fixNote, setFixNote] = useState('');
  const [fixing, setFixing] = useState(false);
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (data.loading && !data.data) return <Loading />;
  if (data.error)
    return (
      <div className="portal-page">
        <Link to="/portal">← {t.back}</Link>
        <p className="notice error">{data.error.unavailable ? t.unavailable : t.loadFailed}</p>
      </div>
    );
  const c: PortalCaseDetail = data.data!;
  const [what, todo] = t.cat[c.category] ?? t.cat._;
  const act = async (f: () => Promise<unknown>, ok: string) => {
    setBusy(true);
    setMsg(null);
    try {
      await f();
      setMsg({ kind: 'success', text: ok });
      data.reload();
      return true;
    } catch (e) {
      const err = e as ApiError;
      setMsg({ kind: 'error', text: err.unavailable ? t.unavailable : err.message });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const isResource = c.category === 'resource-abuse';
  const closed = c.status === 'closed' || c.status === 'resolved';
  return (
    <div className="portal-page">
      <Link to="/portal">← {t.back}</Link>
      <header className="pc-head">
        <div className="muted">
          {t.notice} #{c.id} · {t.opened} {fmtDate(c.openedAt, lang)}
        </div>
        <h1 className="mono">{c.resource}</h1>
        <span className="pill amber">{t.statusText[c.status] ?? c.status}</span>
      </header>
      {msg && <p className={`notice ${msg.kind}`} role="status">{msg.text}</p>}
      <section className="card">
        <h2>{t.whatHappened}</h2>
        <p className="lead">{what}</p>
        <h2>{t.whatToDo}</h2>
        <p className="lead">{todo}</p>
        {c.dueAt && !closed && (
          <p className="due-box">
            {t.deadline} <strong>{fmtDate(c.dueAt, lang)}</strong> (UTC)
          </p>
        )}
        {isResource && !closed && <p className="muted">{t.ifNothing}</p>}
      </section>
      {isResource && (
        <section className="card" aria-label={t.chooseTitle}>
          <h2>{t.chooseTitle}</h2>
          {c.choice ? (
            <p className="notice success">
              {t.chosen} <strong>{t[OPTIONS.find((o) => o.id === c.choice)?.title ?? 'optModify']}</strong>
            </p>
          ) : (
            <>
              <p>{t.chooseHint}</p>
              <div className="options">
                {OPTIONS.filter((o) => !c.options || c.options.includes(o.id)).map((o) => (
                  <div key={o.id} className="option">
                    <h3>{t[o.title]}</h3>
                    <p>{t[o.text]}</p>
                    <button type="button" className="btn primary" disabled={busy} onClick={() => act(() => api.portal.choose(c.id, o.id), `${t.chosen} ${t[o.title]}`)}>
                      {t.choose}
                    </button>
                  </div>
                ))}
              </div>
            </>
          )}
        </section>
      )}
      {!closed && !isResource && (
        <section className="card">
          {c.reportedFixedAt && (
            <p className="muted" data-testid="reported-fixed">
              {t.fixedReported} {fmtDate(c.reportedFixedAt, lang)}. {t.fixedDone}
            </p>
          )}
          {fixing ? (
            <form
              onSubmit={async (e) => {
                e.preventDefault();
                if (await act(() => api.portal.resolved(c.id, fixNote, t.fixedMarker), t.fixedDone)) setFixing(false);
              }}
            >
              <label>
                {t.fixedHint}
                <textarea rows={3} value={fixNote} onChange={(e) => setFixNote(e.target.value)} autoFocus name="fixed-note" />
              </label>
              <button type="submit" className="btn primary" disabled={busy || !fixNote.trim()}>
                {t.fixedConfirm}
              </button>
            </form>
          ) : (
            <button type="button" className="btn primary big" onClick={() => setFixing(true)}>
              ✓ {t.fixed}
            </button>
          )}
        </section>
      )}
      <section className="card">
        <h2>{t.evidence}</h2>
        <p className="muted small">{t.evidenceNote}</p>
        <ul className="evidence">
          {c.events.map((e) => (
            <li key={e.id}>
              <div>
                <strong>{fmtDate(e.occurredAt, lang)}</strong>
                {e.resource && <span className="mono"> · {e.resource}{e.port ? `:${e.port}` : ''}</span>}
                <span className="ev-type"> · {e.type}</span>
              </div>
              <dl className="facts small">
                {evidenceLines(e.evidence).map(([k, v]) => (
                  <div key={k} className="fact">
                    <dt>{k}</dt>
                    <dd className="mono">{v}</dd>
                  </div>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t.conversation}</h2>
        {c.messages.length ? (
          <ol className="messages">
            {c.messages.map((m) => (
              <li key={m.id} className={m.direction === 'in' ? 'mine' : 'theirs'}>
                <div className="msg-meta">
                  {m.direction === 'in' ? t.you : t.us} · {fmtDate(m.at, lang)}
                </div>
                <div className="msg-body">{m.body}</div>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t.noMessages}</p>
        )}
        <form
          className="reply"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await act(() => api.portal.reply(c.id, reply), t.sent)) setReply('');
          }}
        >
          <label>
            {t.reply}
            <span className="muted small">{t.replyHint}</span>
            <textarea rows={4} value={reply} onChange={(e) => setReply(e.target.value)} name="reply" />
          </label>
          <button type="submit" className="btn primary" disabled={busy || !reply.trim()}>
            {t.send}
          </button>
        </form>
      </section>
    </div>
  );
}
