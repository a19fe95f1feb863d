import { type FormEvent, useState } from 'react';
import { api, type ApiError, type Role, type Session } from '../api';
import { fmtAgo, fmtDay } from '../shared/format';
import { useAsync } from '../shared/hooks';
import { Empty, Loading, Pill, Problem } from '../shared/ui';

const ROLES: Role[] = ['analyst', 'supervisor', 'admin', 'customer'];

function message(e: unknown): string {
  const err = e as ApiError;
  return err.unavailable ? 'Not available on this server yet.' : err.message;
}

/** My password and authenticator; for admins also the users and API tokens. */
export function Account(props: { session: Session; onSignedOut: () => void }) {
  const admin = props.session.user.role === 'admin';
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Account</h1>
          <p className="muted">
            {props.session.user.email} · {props.session.user.role}
          </p>
        </div>
      </header>
      <div className="dash-grid">
        <PasswordCard onSignedOut={props.onSignedOut} />
        <TotpCard />
      </div>
      {admin && <Users />}
      {admin && <Tokens />}
    </div>
  );
}

function PasswordCard(props: { onSignedOut: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.session.changePassword(current, next);
      props.onSignedOut();
    } catch (err) {
      setMsg(message(err));
    }
  };
  return (
    <form className="card" onSubmit={submit}>
      <h3>Change password</h3>
      <label>
        Current password (empty if you signed in by a one-time link)
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label>
        New password (at least 10 characters)
        <input type="password" autoComplete="new-password" minLength={10} required value={next} onChange={(e) => setNext(e.target.value)} />
      </label>
      <p className="preview small">Your other sessions end and you sign in again with the new password.</p>
      {msg && <p className="form-message">{msg}</p>}
      <button type="submit" className="btn primary">
        Change password
      </button>
    </form>
  );
}

function TotpCard() {
  const [secret, setSecret] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const start = async () => {
    try {
      setSecret(await api.session.enrollTotp());
      setMsg(null);
    } catch (err) {
      setMsg(message(err));
    }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.session.confirmTotp(code);
      setSecret(null);
      setMsg('Authenticator enabled: sign-in now asks for a code.');
    } catch (err) {
      setMsg(message(err));
    }
  };
  return (
    <section className="card">
      <h3>Authenticator (TOTP)</h3>
      {secret ? (
        <form onSubmit={confirm}>
          <p className="small">Add this key to your authenticator app (time-based, 6 digits), then enter the code it shows.</p>
          <p className="mono secret">{secret.secret.replace(/(.{4})/g, '$1 ').trim()}</p>
          <p className="mono small hash">{secret.uri}</p>
          <label>
            Code
            <input inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required value={code} onChange={(e) => setCode(e.target.value)} />
          </label>
          <button type="submit" className="btn primary">
            Confirm
          </button>
        </form>
      ) : (
        <>
          <p className="small muted">A second factor for your operator account: after your password, a 6-digit code from an app on your phone.</p>
          <button type="button" className="btn" onClick={start}>
            Set up an authenticator…
          </button>
        </>
      )}
      {msg && <p className="form-message">{msg}</p>}
    </section>
  );
}

function Users() {
  const list = useAsync(() => api.users.list(), []);
  const [form, setForm] = useState({ email: '', role: 'analyst' as Role, customerId: '', name: '', password: '' });
  const [msg, setMsg] = useState<string | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.users.add({ email: form.email, role: form.role, name: form.name || undefined, customerId: form.role === 'customer' ? form.customerId : undefined, password: form.password || undefined });
      setMsg(`Added ${form.email}.`);
      setForm({ ...form, email: '', name: '', password: '' });
      list.reload();
    } catch (err) {
      setMsg(message(err));
    }
  };
  const toggle = async (id: number, disabled: boolean) => {
    try {
      await api.users.update(id, { disabled });
      list.reload();
    } catch (err) {
      setMsg(message(err));
    }
  };
  return (
    <section className="card section-gap">
      <h3>Users</h3>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <Problem error={list.error} what="Users" />
      ) : list.data?.length ? (
        <table className="grid compact">
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Name</th>
              <th>Role</th>
              <th>Customer</th>
              <th>TOTP</th>
              <th>Last sign-in</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((u) => (
              <tr key={u.id}>
                <td className="mono">{u.email}</td>
                <td>{u.name}</td>
                <td>
                  <Pill value={u.role} tone={u.role === 'admin' ? 'violet' : u.role === 'customer' ? 'gray' : 'blue'} />
                </td>
                <td className="mono">{u.customerId ?? ''}</td>
                <td>{u.totp ? 'on' : ''}</td>
                <td title={u.lastLoginAt ?? ''}>{u.lastLoginAt ? fmtAgo(u.lastLoginAt) : 'never'}</td>
                <td className="row-actions">
                  <button type="button" className="btn small ghost" onClick={() => toggle(u.id, !u.disabled)}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>No users.</Empty>
      )}
      <form className="form-grid section-gap" onSubmit={add}>
        <label>
          E-mail
          <input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <label>
          Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        {form.role === 'customer' ? (
          <label>
            Customer id
            <input required value={form.customerId} onChange={(e) => setForm({ ...form, customerId: e.target.value })} className="mono" />
          </label>
        ) : (
          <label>
            Password (empty: they sign in by a one-time link)
            <input type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </label>
        )}
        {msg && <p className="form-message span2">{msg}</p>}
        <div className="form-actions span2">
          <button type="submit" className="btn primary">
            Add user
          </button>
        </div>
      </form>
    </section>
  );
}

function Tokens() {
  const list = useAsync(() => api.users.tokens(), []);
  const [role, setRole] = useState<Role>('analyst');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const t = await api.users.createToken({ role, name: name || undefined });
      setCreated(t.token);
      list.reload();
    } catch (err) {
      setMsg(message(err));
    }
  };
  const revoke = async (id: number) => {
    try {
      await api.users.revokeToken(id);
      list.reload();
    } catch (err) {
      setMsg(message(err));
    }
  };
  return (
    <section className="card section-gap">
      <h3>API tokens</h3>
      {list.error ? (
        <Problem error={list.error} what="Tokens" />
      ) : (
        <table className="grid compact">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td>
                  {fmtDay(t.createdAt)} by {t.createdBy}
                </td>
                <td>{t.lastUsedAt ? fmtAgo(t.lastUsedAt) : 'never'}</td>
                <td className="row-actions">
                  {t.revokedAt ? (
                    <span className="muted small">revoked</span>
                  ) : (
                    <button type="button" className="btn small ghost" onClick={() => revoke(t.id)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {created && (
        <p className="notice success">
          New token (shown once, copy it now): <span className="mono hash">{created}</span>
        </p>
      )}
      {msg && <p className="form-message">{msg}</p>}
      <form className="form-grid section-gap" onSubmit={create}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="ticket system" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.filter((r) => r !== 'customer').map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <div className="form-actions span2">
          <button type="submit" className="btn">
            Create token
          </button>
        </div>
      </form>
    </section>
  );
}
