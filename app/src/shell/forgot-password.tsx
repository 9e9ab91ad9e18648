import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';

/** Asks for a password-reset link by email (better-auth); the link opens /reset-password. */
export function ForgotPassword() {
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(null);
    const email = new FormData(e.currentTarget).get('email');
    try {
      await api('/api/auth/request-password-reset', {
        method: 'POST',
        body: JSON.stringify({ email, redirectTo: `${window.location.origin}/reset-password` }),
      });
      setSent(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The request failed.');
    }
  };
  return (
    <main className="center">
      <form className="card signin" onSubmit={(e) => void submit(e)} aria-labelledby="forgot-title">
        <h1 id="forgot-title">Reset your password</h1>
        {sent ? (
          <p role="status">If an account uses that address, a link to set a new password is on its way.</p>
        ) : (
          <>
            <label>
              Email
              <input name="email" type="email" autoComplete="username" required />
            </label>
            {error && <p role="alert" className="error">{error}</p>}
            <button type="submit">Send the link</button>
          </>
        )}
        <p><a href="/">Back to sign-in</a></p>
      </form>
    </main>
  );
}
