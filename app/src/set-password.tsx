import { useState, type FormEvent } from 'react';
import { api } from './api.ts';
import { Button, LinkButton } from './ui/button.tsx';
import { TextField } from './ui/field.tsx';
import { AuthCard, AuthError } from './onboarding/auth-card.tsx';
import { errorSentence } from './ui/messages.ts';

/**
 * Where the welcome email of a platform-provisioned owner (and a password
 * reset) leads: choose a password with the one-time token from the link,
 * through better-auth's `POST /api/auth/reset-password`.
 */
export function SetPassword() {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/reset-password', { method: 'POST', body: JSON.stringify({ token, newPassword: password }) });
      setDone(true);
    } catch (err) {
      setError(errorSentence(err, 'This link has expired or was already used. Ask for a new one.'));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <AuthCard title="Password saved" role="status">
        <p>Your new password is set. Sign in with it now.</p>
        <LinkButton variant="primary" href="/">Sign in</LinkButton>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose your password" onSubmit={(e) => void submit(e)}>
      {!token && <AuthError>This link is incomplete. Open the link from your email again.</AuthError>}
      <TextField label="New password" name="password" type="password" autoComplete="new-password" value={password} onChange={setPassword} isRequired description="At least 10 characters." />
      <TextField label="Repeat it" name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={setConfirm} isRequired error={mismatch ? 'The two passwords are not the same.' : null} />
      {error && <AuthError>{error}</AuthError>}
      <Button type="submit" variant="primary" isPending={busy} isDisabled={!token}>{busy ? 'Saving…' : 'Save password'}</Button>
    </AuthCard>
  );
}
