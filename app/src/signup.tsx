import { useEffect, useState, type FormEvent } from 'react';
import { api } from './api.ts';
import { AppLink, Button } from './ui/button.tsx';
import { NativeSelect, TextField } from './ui/field.tsx';
import { AuthCard, AuthError } from './onboarding/auth-card.tsx';
import { errorSentence } from './ui/messages.ts';

interface Industry {
  key: string;
  name: string;
  description: string;
}

/**
 * Self-serve sign-up (PRODUCT.md 3 and 6): company, industry and owner
 * details in one screen. The server emails a confirmation link; opening it
 * (verify-email.tsx) provisions the tenant from the industry template, signs
 * the owner in and lands on the dashboard.
 */
export function Signup({ onSignedIn }: { onSignedIn: (dashboard: string) => void }) {
  const [industries, setIndustries] = useState<Industry[]>([]);
  // One id per form: a double submit or a retry after a lost response is the same sign-up.
  const [signupId] = useState(() => crypto.randomUUID());
  const [company, setCompany] = useState('');
  const [industry, setIndustry] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ company: string | null; password: string | null }>({ company: null, password: null });
  const [busy, setBusy] = useState(false);
  // The address a confirmation link was sent to: nothing exists until it is opened.
  const [sentTo, setSentTo] = useState<string | null>(null);

  useEffect(() => {
    api<{ industries: Industry[] }>('/api/tenant/industries').then(
      (r) => setIndustries(r.industries),
      () => setError('The list of industries could not be loaded. Reload the page to try again.'),
    );
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const problems = {
      company: company.trim().length < 2 ? 'Enter your company name (at least 2 characters).' : null,
      password: password.length < 10 ? 'Choose a password of at least 10 characters.' : null,
    };
    setFieldErrors(problems);
    if (problems.company || problems.password) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ next?: { dashboard: string }; verification?: 'sent' }>('/api/tenant/signup', {
        method: 'POST',
        body: JSON.stringify({ signupId, industry, company: { name: company }, owner: { name, email, password } }),
      });
      if (!res.next) {
        setSentTo(email);
        return;
      }
      // A retried sign-up whose email was already confirmed: sign in.
      await api('/api/auth/sign-in/email', { method: 'POST', body: JSON.stringify({ email, password }) });
      onSignedIn(res.next.dashboard);
    } catch (err) {
      setError(errorSentence(err, 'Your workspace could not be created. Check the details above and try again.'));
    } finally {
      setBusy(false);
    }
  };

  if (sentTo) {
    return (
      <AuthCard title="Check your email" role="status">
        <p>
          We sent a link to <strong>{sentTo}</strong>. Open it within a day to confirm your address and create your workspace.
        </p>
      </AuthCard>
    );
  }

  const chosen = industries.find((i) => i.key === industry);
  return (
    <AuthCard title="Start your StreamFlow trial" onSubmit={(e) => void submit(e)} footer={<>Already have an account? <AppLink href="/">Sign in</AppLink></>}>
      <TextField label="Company name" name="company" autoComplete="organization" value={company} onChange={setCompany} isRequired autoFocus error={fieldErrors.company} />
      <NativeSelect
        label="Industry"
        name="industry"
        value={industry}
        onChange={setIndustry}
        isRequired
        description={chosen?.description ?? 'We set up stages and fields that suit it.'}
        options={[{ id: '', label: 'Choose your industry' }, ...industries.map((i) => ({ id: i.key, label: i.name }))]}
      />
      <TextField label="Your name" name="name" autoComplete="name" value={name} onChange={setName} isRequired />
      <TextField label="Work email" name="email" type="email" autoComplete="email" value={email} onChange={setEmail} isRequired />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" value={password} onChange={setPassword} isRequired description="At least 10 characters." error={fieldErrors.password} />
      {error && <AuthError>{error}</AuthError>}
      <Button type="submit" variant="primary" isPending={busy} isDisabled={industries.length === 0}>{busy ? 'Creating your workspace…' : 'Create my workspace'}</Button>
    </AuthCard>
  );
}
