import { createContext, useContext, useEffect, useState } from 'react';
import { api, type ApiError, type Session, SIGNED_OUT } from '../api';
import { Link, match, navigate, useLocation } from '../shared/router';
import { Loading } from '../shared/ui';
import { AupPage } from './AupPage';
import { Charges } from './Charges';
import { DICTS, type Dict, type Lang, LANGS, pickLang } from './i18n';
import { PortalCase } from './PortalCase';
import { PortalHome } from './PortalHome';
import { PortalSignIn } from './PortalSignIn';

export const I18n = createContext<{ t: Dict; lang: Lang }>({ t: DICTS.en, lang: 'en' });
export const useT = () => useContext(I18n);

function storedLang(): string | null {
  try {
    return localStorage.getItem('portal-lang');
  } catch {
    return null;
  }
}

/** The customer portal: the customer's own notices, messages, charges and the policy. */
export function PortalApp() {
  const { path, query } = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  const [checked, setChecked] = useState(false);
  const [lang, setLang] = useState<Lang>(() => pickLang(query.get('lang') ?? storedLang(), null, navigator.language));
  const [linkError, setLinkError] = useState(false);
  // The mailed link is /portal/sign-in?token=…; /portal/link/:token is accepted too.
  const linkToken = match('/portal/link/:token', path)?.token ?? (path === '/portal/sign-in' ? query.get('token') : null);
  const link = linkToken ? { token: linkToken } : null;
  useEffect(() => {
    const start = link ? api.session.redeemLink(link.token) : api.session.get();
    start.then(
      (s) => {
        setSession(s);
        if (!query.get('lang') && !storedLang() && s.user.locale) setLang(pickLang(null, s.user.locale, navigator.language));
        if (link) navigate('/portal', true);
        setChecked(true);
      },
      (_e: ApiError) => {
        if (link) setLinkError(true);
        setChecked(true);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    const out = () => setSession(null);
    window.addEventListener(SIGNED_OUT, out);
    return () => window.removeEventListener(SIGNED_OUT, out);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = DICTS[lang].portal;
  }, [lang]);
  const changeLang = (l: Lang) => {
    setLang(l);
    try {
      localStorage.setItem('portal-lang', l);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  };
  const t = DICTS[lang];
  let page;
  let m: Record<string, string> | null;
  if (!checked) page = <Loading label={link ? t.linkLanding : undefined} />;
  else if (!session || session.user.role !== 'customer') page = <PortalSignIn linkError={linkError} wrongRole={!!session} onSignedIn={setSession} />;
  else if ((m = match('/portal/cases/:id', path))) page = <PortalCase key={m.id} id={Number(m.id)} />;
  else if (match('/portal/charges', path)) page = <Charges />;
  else if (match('/portal/aup', path)) page = <AupPage />;
  else page = <PortalHome session={session} />;
  const signOut = async () => {
    await api.session.signOut().catch(() => undefined);
    setSession(null);
  };
  return (
    <I18n.Provider value={{ t, lang }}>
      <div className="portal">
        <header className="portal-top">
          <div className="portal-bar">
            <Link to="/portal" className="brand">
              <span className="logo" aria-hidden="true">◆</span> {t.portal}
            </Link>
            {session?.user.role === 'customer' && (
              <nav aria-label="Portal">
                <Link to="/portal" aria-current={path === '/portal' ? 'page' : undefined}>{t.yourCases}</Link>
                <Link to="/portal/charges" aria-current={path === '/portal/charges' ? 'page' : undefined}>{t.invoices}</Link>
                <Link to="/portal/aup" aria-current={path === '/portal/aup' ? 'page' : undefined}>{t.aup}</Link>
              </nav>
            )}
            <div className="portal-tools">
              <div className="seg" role="group" aria-label={t.language}>
                {LANGS.map((l) => (
                  <button key={l.id} type="button" lang={l.id} className={l.id === lang ? 'on' : ''} aria-pressed={l.id === lang} onClick={() => changeLang(l.id)} title={l.label}>
                    {l.id.toUpperCase()}
                  </button>
                ))}
              </div>
              {session?.user.role === 'customer' && (
                <button type="button" className="btn ghost small" onClick={signOut}>
                  {t.signOut}
                </button>
              )}
            </div>
          </div>
        </header>
        <main className="portal-main">{page}</main>
      </div>
    </I18n.Provider>
  );
}
