import { useState, type FormEvent } from 'react';
import { api } from './api.ts';
import { AppLink, Button } from './ui/button.tsx';
import { TextField } from './ui/field.tsx';
import { AuthCard, AuthError } from './onboarding/auth-card.tsx';
import { errorSentence } from './ui/messages.ts';

/**
 * Where a sign-up's confirmation email leads (`/verify-email?token=`): the
 * owner confirms with their password, the server creates the workspace
 * (POST /api/tenant/signup/verify) and the app signs them in. A button, not
 * an automatic request, so a mail scanner opening the link creates nothing.
 */
export function VerifyEmail({ onSignedIn }: { onSignedIn: (dashboard: string) => void }) {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ owner: { email: string }; next: { dashboard: string } }>('/api/tenant/signup/verify', { method: 'POST', body: JSON.stringify({ token }) });
      await api('/api/auth/sign-in/email', { method: 'POST', body: JSON.stringify({ email: res.owner.email, password }) });
      onSignedIn(res.next.dashboard);
    } catch (err) {
      setError(errorSentence(err, 'This link has expired or the password does not match. Sign up again or sign in.'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Confirm your email" onSubmit={(e) => void submit(e)} footer={<>Already confirmed? <AppLink href="/">Sign in</AppLink></>}>
      {!token && <AuthError>This link is incomplete. Open the link from your email again.</AuthError>}
      <p className="sf-muted">Enter the password you chose to create your workspace and sign in.</p>
      <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} isRequired autoFocus />
      {error && <AuthError>{error}</AuthError>}
      <Button type="submit" variant="primary" isPending={busy} isDisabled={!token}>{busy ? 'Creating your workspace…' : 'Confirm and open my workspace'}</Button>
    </AuthCard>
  );
}
