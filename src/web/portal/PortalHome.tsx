import { api, type PortalCase, type Session } from '../api';
import { useAsync } from '../shared/hooks';
import { Link } from '../shared/router';
import { Loading } from '../shared/ui';
import { useT } from './App';
import { fmtDate } from './i18n';

function needsCustomer(c: PortalCase): boolean {
  return c.awaiting === 'customer' || c.status === 'awaiting-customer' || (c.options != null && c.options.length > 0 && !c.choice);
}

export function CaseCard(props: { c: PortalCase }) {
  const { t, lang } = useT();
  const c = props.c;
  const [what, todo] = t.cat[c.category] ?? t.cat._;
  return (
    <li className={`pcase${needsCustomer(c) ? ' urgent' : ''}`}>
      <Link to={`/portal/cases/${c.id}`}>
        <div className="pcase-top">
          <span className="pcase-res mono">{c.resource}</span>
          <span className={`pill ${needsCustomer(c) ? 'amber' : 'gray'}`}>{t.statusText[c.status] ?? c.status}</span>
        </div>
        <div className="pcase-what">{what}</div>
        <div className="pcase-todo">{todo}</div>
        <div className="pcase-meta">
          {t.notice} #{c.id} · {t.opened} {fmtDate(c.openedAt, lang)}
          {c.dueAt && (
            <strong className="due">
              {' · '}
              {t.deadline} {fmtDate(c.dueAt, lang)}
            </strong>
          )}
        </div>
      </Link>
    </li>
  );
}

export function PortalHome(props: { session: Session }) {
  const { t } = useT();
  const cases = useAsync(() => api.portal.cases(), []);
  const list = cases.data ?? [];
  const urgent = list.filter(needsCustomer);
  const rest = list.filter((c) => !needsCustomer(c));
  return (
    <div className="portal-page">
      <h1>
        {t.hello}
        {props.session.user.name ? `, ${props.session.user.name}` : ''}
      </h1>
      {cases.loading && !cases.data ? (
        <Loading />
      ) : cases.error ? (
        <p className="notice error">{cases.error.unavailable ? t.unavailable : t.loadFailed}</p>
      ) : list.length === 0 ? (
        <p className="notice success big">{t.noCases}</p>
      ) : (
        <>
          {urgent.length > 0 && (
            <section>
              <h2>{t.needsYou}</h2>
              <ul className="pcases">
                {urgent.map((c) => (
                  <CaseCard key={c.id} c={c} />
                ))}
              </ul>
            </section>
          )}
          {rest.length > 0 && (
            <section>
              <h2>{urgent.length ? t.otherCases : t.yourCases}</h2>
              <ul className="pcases">
                {rest.map((c) => (
                  <CaseCard key={c.id} c={c} />
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </div>
  );
}
