import { useState, type FormEvent } from 'react';
import { api } from './api.ts';
import { Button, AppLink } from './ui/button.tsx';
import { TextField } from './ui/field.tsx';
import { AuthCard, AuthError } from './onboarding/auth-card.tsx';
import { errorSentence } from './ui/messages.ts';

/** Email + password sign-in against better-auth at /api/auth. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/sign-in/email', { method: 'POST', body: JSON.stringify({ email, password }) });
      onSignedIn();
    } catch (err) {
      setError(errorSentence(err, 'That email and password do not match an account.'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Sign in to StreamFlow"
      onSubmit={(e) => void submit(e)}
      footer={<>New to StreamFlow? <AppLink href="/signup">Create an account</AppLink></>}
    >
      <TextField label="Email" name="email" type="email" autoComplete="username" value={email} onChange={setEmail} isRequired autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} isRequired />
      {error && <AuthError>{error}</AuthError>}
      <Button type="submit" variant="primary" isPending={busy}>{busy ? 'Signing in…' : 'Sign in'}</Button>
      <p className="sf-auth-links"><AppLink href="/forgot-password">Forgot your password?</AppLink></p>
    </AuthCard>
  );
}
