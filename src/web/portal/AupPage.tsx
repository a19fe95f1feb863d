import { api } from '../api';
import type { AupDocument } from '../api.types';
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
                {doc.data.changes.map((c, i) => (
                  <li key={`${c.version}-${i}`}>
                    <strong>{c.version}</strong> ({fmtDate(c.date, lang)}): {c.summary}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <article className="card aup-text">
            {sections(doc.data).map((s) => (
              <section key={s.title + s.clause.slice(0, 40)}>
                {s.title && <h2>{s.title}</h2>}
                <p>{s.clause}</p>
              </section>
            ))}
          </article>
        </>
      ) : null}
    </div>
  );
}

/** Each section of the policy once, with its clause (several categories quote the same clause). */
function sections(doc: AupDocument): { title: string; clause: string }[] {
  const seen = new Set<string>();
  const out: { title: string; clause: string }[] = [];
  for (const c of doc.categories ?? []) {
    const key = `${c.section}\n${c.clause}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ title: c.section, clause: c.clause });
  }
  // An older server sends only the text.
  return out.length ? out : [{ title: '', clause: doc.text }];
}
