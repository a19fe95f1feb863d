import { api } from '../api';
import { useAsync } from '../shared/hooks';
import { Loading } from '../shared/ui';
import { useT } from './App';
import { fmtDate } from './i18n';

export function AupPage() {
  const { t, lang } = useT();
  const doc = useAsync(() => api.portal.aup(), []);
  return (
    <div className="portal-page">
      <h1>{t.aup}</h1>
      {doc.loading && !doc.data ? (
        <Loading />
      ) : doc.error ? (
        <p className="notice error">{doc.error.unavailable ? t.unavailable : t.loadFailed}</p>
      ) : doc.data ? (
        <>
          <p className="muted">
            {t.aupVersion}: <strong>{doc.data.version}</strong> {t.since} {fmtDate(doc.data.inForceSince, lang)}
          </p>
          {doc.data.changes.length > 0 && (
            <section className="card">
              <h2>{t.changes}</h2>
              <ul className="plain">
                {doc.data.changes.map((c) => (
                  <li key={c.version}>
                    <strong>{c.version}</strong> ({fmtDate(c.date, lang)}): {c.summary}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <article className="card aup-text">{doc.data.text}</article>
        </>
      ) : null}
    </div>
  );
}
