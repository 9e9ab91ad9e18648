import { useState, type FormEvent } from 'react';
import { Button } from '../ui/button.tsx';
import { TextField } from '../ui/field.tsx';
import { Card } from '../ui/page.tsx';
import { createLead } from './api.ts';
import { errorSentence } from '../ui/messages.ts';

/** The fastest way to a first success: a lead in three fields. */
export function QuickLead({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setNameError('Enter the lead’s name.');
      return;
    }
    setNameError(null);
    setBusy(true);
    setError(null);
    try {
      await createLead({ name: trimmed, email, phone });
      setSaved(trimmed);
      setName('');
      setEmail('');
      setPhone('');
      onCreated();
    } catch (err) {
      setError(errorSentence(err, 'The lead was not saved. Check the email address and try again.'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card id="quick-lead" title="Add a lead">
      <form onSubmit={(e) => void submit(e)} className="sf-form" noValidate>
        <TextField label="Name" name="lead-name" value={name} onChange={setName} isRequired error={nameError} />
        <TextField label="Email" name="lead-email" type="email" value={email} onChange={setEmail} />
        <TextField label="Phone" name="lead-phone" type="tel" value={phone} onChange={setPhone} />
        <div className="sf-form-actions">
          <Button type="submit" variant="secondary" isPending={busy}>{busy ? 'Saving…' : 'Save lead'}</Button>
        </div>
      </form>
      {saved && <p role="status" className="sf-muted">Lead “{saved}” saved.</p>}
      {error && <div role="alert" className="error-message">{error}</div>}
    </Card>
  );
}
