import { type FormEvent, useState } from 'react';
import { api, type ApiError, type Session } from '../api';
import { useT } from './App';

export function PortalSignIn(props: { linkError: boolean; wrongRole: boolean; onSignedIn: (s: Session) => void }) {
  const { t } = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [msg, setMsg] = useState<string | null>(props.linkError ? t.linkFailed : null);
  const [busy, setBusy] = useState(false);
  const fail = (e: ApiError) => setMsg(e.unavailable ? t.unavailable : e.status === 429 ? t.tooMany : e.status === 401 || e.status === 400 || e.status === 403 ? t.badLogin : e.message);
  const signIn = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      const s = await api.session.signIn(email, password);
      if (s.user.role !== 'customer') setMsg(t.badLogin);
      else props.onSignedIn(s);
    } catch (err) {
      fail(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const sendLink = async () => {
    if (!email) return setMsg(t.email);
    setBusy(true);
    try {
      await api.session.requestLink(email);
      setMsg(t.linkSent);
    } catch (err) {
      const e2 = err as ApiError;
      if (e2.unavailable || e2.status === 429) fail(e2);
      else setMsg(t.linkSent);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="signin">
      <form className="card signin-card" onSubmit={signIn}>
        <h1>{t.signInTitle}</h1>
        <label>
          {t.email}
          <input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t.password}
          <input type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {msg && (
          <p className="form-message" role="alert">
            {msg}
          </p>
        )}
        <button type="submit" className="btn primary block" disabled={busy || !password}>
          {t.signIn}
        </button>
        <hr />
        <p className="muted small">{t.orLink}</p>
        <button type="button" className="btn block" disabled={busy} onClick={sendLink}>
          {t.sendLink}
        </button>
      </form>
    </div>
  );
}
