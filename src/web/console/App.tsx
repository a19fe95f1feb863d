import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type QueueCount, type Session, SIGNED_OUT } from '../api';
import { useAsync, useKeys } from '../shared/hooks';
import { Link, match, navigate, useLocation } from '../shared/router';
import { Kbd, Loading, Modal } from '../shared/ui';
import { Account } from './Account';
import { CaseView } from './CaseView';
import { Consents } from './Consents';
import { Dashboard } from './Dashboard';
import { Inventory } from './Inventory';
import { PolicyPage } from './Policy';
import { Queue, QUEUES } from './Queue';
import { ReportPage } from './ReportPage';
import { Search } from './Search';
import { SignIn } from './SignIn';

/** The operator console: a session gate, then a sidebar of queues and a main pane. */
export function ConsoleApp() {
  const [session, setSession] = useState<Session | null>(null);
  const [checked, setChecked] = useState(false);
  const [gateError, setGateError] = useState<ApiError | null>(null);
  useEffect(() => {
    // A one-time link (the first admin's, printed by the first `npm start`) signs in, then leaves the token out of the address bar.
    const token = location.pathname === '/console/sign-in' ? new URLSearchParams(location.search).get('token') : null;
    (token ? api.session.redeemLink(token) : api.session.get()).then(
      (s) => {
        if (token) navigate('/console', true);
        setSession(s);
        setChecked(true);
      },
      (e: ApiError) => {
        if (token) setGateError(new ApiError(401, 'link', 'This sign-in link has expired or was already used. Sign in with your password, or ask an admin for a new link.'));
        else if (e.status !== 401 && e.status !== 403 && !e.unavailable) setGateError(e);
        setChecked(true);
      },
    );
  }, []);
  useEffect(() => {
    const out = () => setSession(null);
    window.addEventListener(SIGNED_OUT, out);
    return () => window.removeEventListener(SIGNED_OUT, out);
  }, []);
  if (!checked) return <Loading />;
  if (!session || session.user.role === 'customer')
    return <SignIn error={gateError} customer={session?.user.role === 'customer'} onSignedIn={(s) => setSession(s)} />;
  return <Shell session={session} onSignOut={() => setSession(null)} />;
}

const NAV = [
  { to: '/console', label: 'Dashboard', key: '0' },
  ...QUEUES.map((q, i) => ({ to: `/console/queues/${q.name}`, label: q.label, key: String(i + 1), queue: q.name })),
];

function Shell(props: { session: Session; onSignOut: () => void }) {
  const { path, query } = useLocation();
  const counts = useAsync(() => api.queues.counts(), [path]);
  // A console stays open all day: the sidebar's counts follow the desk once a minute.
  useEffect(() => {
    const t = setInterval(counts.reload, 60_000);
    return () => clearInterval(t);
  }, [counts.reload]);
  const [help, setHelp] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState(query.get('q') ?? '');
  useKeys(
    {
      '/': () => searchRef.current?.focus(),
      '?': () => setHelp(true),
      ...Object.fromEntries(NAV.map((n) => [n.key, () => navigate(n.to)])),
      s: () => navigate('/console/search'),
      i: () => navigate('/console/inventory'),
    },
    [],
  );
  const count = (name?: string) => (name ? (counts.data as QueueCount[] | null)?.find((c) => c.name === name)?.count : undefined);
  const signOut = async () => {
    await api.session.signOut().catch(() => undefined);
    props.onSignOut();
  };
  const params = (p: string) => match(p, path);
  let page;
  let m: Record<string, string> | null;
  if (path === '/console' || path === '/console/') page = <Dashboard />;
  else if ((m = params('/console/queues/:name'))) page = <Queue key={m.name} name={m.name} />;
  else if ((m = params('/console/cases/:id'))) page = <CaseView key={m.id} id={Number(m.id)} session={props.session} />;
  else if ((m = params('/console/reports/:id'))) page = <ReportPage key={m.id} id={Number(m.id)} />;
  else if (params('/console/search')) page = <Search key={location.search} />;
  else if (params('/console/inventory')) page = <Inventory session={props.session} />;
  else if ((m = params('/console/inventory/:id'))) page = <Inventory customerId={m.id} session={props.session} />;
  else if (params('/console/consents')) page = <Consents session={props.session} />;
  else if (params('/console/policy')) page = <PolicyPage session={props.session} />;
  else if (params('/console/account')) page = <Account session={props.session} onSignedOut={props.onSignOut} />;
  else page = <div className="page"><h1>Not found</h1><p>No page at {path}.</p></div>;

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="logo" aria-hidden="true">◆</span> AbuseDesk
        </div>
        <nav aria-label="Queues">
          {NAV.map((n) => {
            const c = count('queue' in n ? n.queue : undefined);
            return (
              <Link key={n.to} to={n.to} className="nav-item" aria-current={path === n.to ? 'page' : undefined}>
                <span>{n.label}</span>
                {c !== undefined && c > 0 && <span className={`count${n.label.startsWith('Failed') || n.label === 'Overdue' ? ' hot' : ''}`}>{c.toLocaleString('en')}</span>}
              </Link>
            );
          })}
        </nav>
        <nav aria-label="Records" className="nav-secondary">
          <Link to="/console/search" className="nav-item" aria-current={path === '/console/search' ? 'page' : undefined}>Search</Link>
          <Link to="/console/inventory" className="nav-item" aria-current={path.startsWith('/console/inventory') ? 'page' : undefined}>Inventory</Link>
          <Link to="/console/consents" className="nav-item" aria-current={path === '/console/consents' ? 'page' : undefined}>Consents</Link>
          <Link to="/console/policy" className="nav-item" aria-current={path === '/console/policy' ? 'page' : undefined}>Policy</Link>
          <Link to="/console/account" className="nav-item" aria-current={path === '/console/account' ? 'page' : undefined}>Account</Link>
        </nav>
        <div className="sidebar-foot">
          <button type="button" className="link" onClick={() => setHelp(true)}>
            Shortcuts <Kbd>?</Kbd>
          </button>
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <form
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              navigate(`/console/search?q=${encodeURIComponent(q.trim())}`);
            }}
          >
            <input ref={searchRef} type="search" placeholder="Search IP, CIDR, domain, customer, reporter…  ( / )" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search" />
          </form>
          <div className="whoami">
            <Link to="/console/account" className="who">{props.session.user.email}</Link>
            <span className="role">{props.session.user.role}</span>
            <button type="button" className="btn ghost small" onClick={signOut}>
              Sign out
            </button>
          </div>
        </header>
        <main>{page}</main>
      </div>
      <Modal open={help} title="Keyboard shortcuts" onClose={() => setHelp(false)}>
        <table className="shortcuts">
          <tbody>
            <tr><td><Kbd>/</Kbd></td><td>Search</td></tr>
            <tr><td><Kbd>0</Kbd></td><td>Dashboard</td></tr>
            <tr><td><Kbd>1</Kbd>–<Kbd>8</Kbd></td><td>Queues, in sidebar order</td></tr>
            <tr><td><Kbd>j</Kbd> <Kbd>k</Kbd></td><td>Next / previous row</td></tr>
            <tr><td><Kbd>Enter</Kbd></td><td>Open the selected row</td></tr>
            <tr><td><Kbd>x</Kbd></td><td>Select row for a bulk action</td></tr>
            <tr><td><Kbd>a</Kbd> <Kbd>p</Kbd> <Kbd>n</Kbd> <Kbd>r</Kbd></td><td>In a case: approve, propose a step, note, reply</td></tr>
            <tr><td><Kbd>Esc</Kbd></td><td>Close a dialog</td></tr>
          </tbody>
        </table>
      </Modal>
    </div>
  );
}
