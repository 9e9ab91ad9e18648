import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { AppLink, Button } from '../ui/button.tsx';
import { TextField } from '../ui/field.tsx';
import { AuthCard, AuthError } from '../onboarding/auth-card.tsx';
import { errorSentence } from '../ui/messages.ts';

/** Asks for a password-reset link by email (better-auth); the link opens /reset-password. */
export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await api('/api/auth/request-password-reset', {
        method: 'POST',
        body: JSON.stringify({ email, redirectTo: `${window.location.origin}/reset-password` }),
      });
      setSent(true);
    } catch (err) {
      setError(errorSentence(err, 'The link could not be sent. Check the address and try again.'));
    } finally {
      setBusy(false);
    }
  };
  const back = <AppLink href="/">Back to sign-in</AppLink>;
  if (sent) {
    return (
      <AuthCard title="Check your email" role="status" footer={back}>
        <p>If an account uses <strong>{email}</strong>, a link to set a new password is on its way.</p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Reset your password" onSubmit={(e) => void submit(e)} footer={back}>
      <p className="sf-muted">Enter the address you sign in with and we will email you a link.</p>
      <TextField label="Email" name="email" type="email" autoComplete="username" value={email} onChange={setEmail} isRequired autoFocus />
      {error && <AuthError>{error}</AuthError>}
      <Button type="submit" variant="primary" isPending={busy}>Send the link</Button>
    </AuthCard>
  );
}
