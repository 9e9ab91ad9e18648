import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from './api.ts';
import { navigate } from './router.ts';

interface Industry {
  key: string;
  name: string;
  description: string;
}

/**
 * Self-serve sign-up (PRODUCT.md 3 and 6): company, industry and owner
 * details in one screen. The server provisions the tenant from the industry
 * template; the app then signs the owner in and lands on the dashboard.
 */
export function Signup({ onSignedIn }: { onSignedIn: (dashboard: string) => void }) {
  const [industries, setIndustries] = useState<Industry[]>([]);
  // One id per form: a double submit or a retry after a lost response is the same sign-up.
  const [signupId] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ industries: Industry[] }>('/api/tenant/industries').then(
      (r) => setIndustries(r.industries),
      () => setError('Could not load the industries. Reload the page to try again.'),
    );
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const email = String(f.get('email'));
    const password = String(f.get('password'));
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ next: { dashboard: string } }>('/api/tenant/signup', {
        method: 'POST',
        body: JSON.stringify({
          signupId,
          industry: f.get('industry'),
          company: { name: f.get('company') },
          owner: { name: f.get('name'), email, password },
        }),
      });
      await api('/api/auth/sign-in/email', { method: 'POST', body: JSON.stringify({ email, password }) });
      onSignedIn(res.next.dashboard);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : 'Sign-up failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="center">
      <form className="card signin signup" onSubmit={(e) => void submit(e)} aria-labelledby="signup-title">
        <h1 id="signup-title">Start your StreamFlow trial</h1>
        <label>
          Company name
          <input name="company" autoComplete="organization" required minLength={2} maxLength={120} />
        </label>
        <label>
          Industry
          <select name="industry" required defaultValue="">
            <option value="" disabled>
              Choose your industry
            </option>
            {industries.map((i) => (
              <option key={i.key} value={i.key} title={i.description}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Your name
          <input name="name" autoComplete="name" required maxLength={120} />
        </label>
        <label>
          Work email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" required minLength={10} aria-describedby="pw-help" />
          <small id="pw-help">At least 10 characters.</small>
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || industries.length === 0}>
          {busy ? 'Creating your workspace…' : 'Create my workspace'}
        </button>
        <p className="muted">
          Already have an account?{' '}
          <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }}>
            Sign in
          </a>
        </p>
      </form>
    </main>
  );
}
