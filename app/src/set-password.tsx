import { useState, type FormEvent } from 'react';
import { api } from './api.ts';
import { navigate } from './router.ts';

/**
 * Where the welcome email of a platform-provisioned owner (and a password
 * reset) leads: choose a password with the one-time token from the link,
 * through better-auth's `POST /api/auth/reset-password`.
 */
export function SetPassword() {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    if (f.get('password') !== f.get('confirm')) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/reset-password', { method: 'POST', body: JSON.stringify({ token, newPassword: f.get('password') }) });
      setDone(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The link may have expired: ask for a new one.');
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <main className="center">
        <section className="card signin" role="status">
          <h1>Password saved</h1>
          <button type="button" onClick={() => navigate('/', { replace: true })}>Sign in</button>
        </section>
      </main>
    );
  }
  return (
    <main className="center">
      <form className="card signin" onSubmit={(e) => void submit(e)} aria-labelledby="setpw-title">
        <h1 id="setpw-title">Choose your password</h1>
        {!token && <p role="alert" className="error">This link is incomplete: open the link from your email again.</p>}
        <label>
          New password
          <input name="password" type="password" autoComplete="new-password" required minLength={10} />
        </label>
        <label>
          Repeat it
          <input name="confirm" type="password" autoComplete="new-password" required minLength={10} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy || !token}>{busy ? 'Saving…' : 'Save password'}</button>
      </form>
    </main>
  );
}
