import { api } from '../api';
import { fmtMoney } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { Link } from '../shared/router';
import { Loading } from '../shared/ui';
import { useT } from './App';
import { fmtDate } from './i18n';

export function Charges() {
  const { t, lang } = useT();
  const lines = useAsync(() => api.portal.invoices(), []);
  const list = lines.data ?? [];
  const currency = list[0]?.currency ?? 'EUR';
  const total = list.reduce((a, l) => a + l.amount, 0);
  return (
    <div className="portal-page">
      <h1>{t.chargesTitle}</h1>
      {lines.loading && !lines.data ? (
        <Loading />
      ) : lines.error ? (
        <p className="notice error">{lines.error.unavailable ? t.unavailable : t.loadFailed}</p>
      ) : list.length === 0 ? (
        <p className="notice success">{t.noCharges}</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>{t.date}</th>
              <th>{t.description}</th>
              <th>{t.notice}</th>
              <th className="num">{t.amount}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((l) => (
              <tr key={l.id}>
                <td>{fmtDate(l.at, lang)}</td>
                <td>{l.description}</td>
                <td>{l.caseId ? <Link to={`/portal/cases/${l.caseId}`}>#{l.caseId}</Link> : '—'}</td>
                <td className="num">{fmtMoney(l.amount, l.currency, lang)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={3}>{t.total}</th>
              <th className="num">{fmtMoney(total, currency, lang)}</th>
            </tr>
          </tfoot>
        </table>
      )}
    </div>
  );
}
