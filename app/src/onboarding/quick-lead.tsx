import { useState, type FormEvent } from 'react';
import { createLead } from './api.ts';

/** The fastest way to a first success: a lead in three fields. */
export function QuickLead({ onCreated }: { onCreated: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const name = String(f.get('lead-name')).trim();
    setBusy(true);
    setError(null);
    try {
      await createLead({ name, email: String(f.get('lead-email') ?? ''), phone: String(f.get('lead-phone') ?? '') });
      setSaved(name);
      form.reset();
      onCreated();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The lead was not saved.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="quick-lead-title">
      <h2 id="quick-lead-title">Add a lead</h2>
      <form onSubmit={(e) => void submit(e)} className="quick-lead">
        <label>
          Name
          <input name="lead-name" required maxLength={300} />
        </label>
        <label>
          Email
          <input name="lead-email" type="email" />
        </label>
        <label>
          Phone
          <input name="lead-phone" type="tel" />
        </label>
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save lead'}</button>
      </form>
      {saved && <p role="status">Lead “{saved}” saved.</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
