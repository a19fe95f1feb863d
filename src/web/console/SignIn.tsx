import { type FormEvent, useState } from 'react';
import { api, type ApiError, type Session } from '../api';

export function SignIn(props: { error: ApiError | null; customer: boolean; onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(props.customer ? 'This account is a customer account: use the customer portal at /portal.' : (props.error?.message ?? null));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const s = await api.session.signIn(email, password, needTotp ? totp : undefined);
      if (s.user.role === 'customer') setMessage('This account is a customer account: use the customer portal at /portal.');
      else props.onSignedIn(s);
    } catch (err) {
      const e2 = err as ApiError;
      if (e2.code === 'totp_required' || /totp|one-time code/i.test(e2.message)) {
        setNeedTotp(true);
        setMessage('Enter the 6-digit code from your authenticator app.');
      } else if (e2.unavailable) setMessage('Signing in is not available on this server yet.');
      else if (e2.status === 429) setMessage('Too many attempts. Wait a few minutes and try again.');
      else if (e2.status === 401 || e2.status === 400) setMessage('That e-mail address and password do not match an operator account.');
      else setMessage(e2.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="signin">
      <form className="card signin-card" onSubmit={submit}>
        <div className="brand big">
          <span className="logo" aria-hidden="true">◆</span> AbuseDesk
        </div>
        <h1>Sign in to the console</h1>
        <label>
          E-mail
          <input type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} name="email" />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} name="password" />
        </label>
        {needTotp && (
          <label>
            Authenticator code
            <input inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" value={totp} onChange={(e) => setTotp(e.target.value)} name="totp" />
          </label>
        )}
        {message && (
          <p className="form-message" role="alert">
            {message}
          </p>
        )}
        <button type="submit" className="btn primary block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
