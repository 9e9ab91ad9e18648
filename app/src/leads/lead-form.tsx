import { usePGlite } from '@electric-sql/pglite-react';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Me } from '../api.ts';
import { findDuplicateLeads, type Duplicate, type LeadListRow } from './lead-queries.ts';
import { Link } from '../ui/record-kit.tsx';
import { createLead, validateLead, type FieldErrors, type LeadDraft, type LeadField } from './lead-model.ts';

/*
 * Pieces shared by the leads list and a lead's page: labelled fields with
 * their error next to them, the duplicate warning, the assignee picker, and
 * the quick "new lead" form.
 */

/** A labelled control with its validation message tied to it (aria-describedby). */
export function Field(props: { label: string; error?: string; hint?: ReactNode; children: (a11y: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode; className?: string }) {
  const id = useId();
  const errId = `${id}-err`;
  return (
    <div className={`leads-field ${props.className ?? ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, ...(props.error ? { 'aria-invalid': true as const, 'aria-describedby': errId } : {}) })}
      {props.error && <span id={errId} className="leads-field-error" role="alert">{props.error}</span>}
      {props.hint}
    </div>
  );
}

/** Other leads with the same email or phone, looked up (debounced) as the values change. */
export function useDuplicates(email: string | null | undefined, phone: string | null | undefined, excludeId?: string): Duplicate[] {
  const pg = usePGlite();
  const [dups, setDups] = useState<Duplicate[]>([]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      findDuplicateLeads(pg, { email, phone, excludeId }).then(
        (d) => live && setDups(d),
        () => live && setDups([]),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [pg, email, phone, excludeId]);
  return dups;
}

/** "Another lead has this email/phone", with a link to each. */
export function DuplicateWarning({ dups, base }: { dups: Duplicate[]; base: string }) {
  if (dups.length === 0) return null;
  return (
    <div className="leads-duplicates" role="status">
      <strong>Possible duplicate.</strong>{' '}
      <ul>
        {dups.map((d) => (
          <li key={d.id}>
            <Link to={`${base}/leads/${d.id}`}>{d.name}</Link>{' '}
            has the same {d.on === 'email' ? `email (${d.email ?? ''})` : `phone (${d.phone ?? ''})`}.
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The quick "new lead" form: name, email, phone, company; validated like the server does; warns about duplicates. */
export function LeadCreateForm({ me, base, onCreated }: { me: Me; base: string; onCreated?: (row: LeadListRow) => void }) {
  const pg = usePGlite();
  const [draft, setDraft] = useState<LeadDraft>({ name: '', email: '', phone: '', company_name: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const dups = useDuplicates(draft.email, draft.phone);
  const set = (field: LeadField) => (value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validateLead(draft, 'insert');
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    const values: Record<string, string | number | null> = { ...checked.values, assignee_id: me.id };
    const id = await createLead(pg, values);
    // Committed locally: the list may show it now rather than on its next live result.
    const text = (k: string) => {
      const v = values[k];
      return typeof v === 'string' ? v : null;
    };
    onCreated?.({ id, name: text('name') ?? '', company_name: text('company_name'), email: text('email'), phone: text('phone'), status: 'new', assignee_id: me.id, local_state: 'pending' });
    setDraft({ name: '', email: '', phone: '', company_name: '' });
    setSaved(`Added ${String(checked.values.name)}.`);
    nameRef.current?.focus();
  };

  return (
    <form className="leads-create" onSubmit={(e) => void submit(e)} aria-label="New lead" noValidate>
      <Field label="Name" error={errors.name}>
        {(a) => <input {...a} ref={nameRef} value={draft.name ?? ''} onChange={(e) => set('name')(e.target.value)} required autoComplete="off" />}
      </Field>
      <Field label="Email" error={errors.email}>
        {(a) => <input {...a} type="email" value={draft.email ?? ''} onChange={(e) => set('email')(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label="Phone" error={errors.phone}>
        {(a) => <input {...a} type="tel" value={draft.phone ?? ''} onChange={(e) => set('phone')(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label="Company" error={errors.company_name}>
        {(a) => <input {...a} value={draft.company_name ?? ''} onChange={(e) => set('company_name')(e.target.value)} autoComplete="off" />}
      </Field>
      <button type="submit">Add lead</button>
      <DuplicateWarning dups={dups} base={base} />
      {saved && <span className="muted" role="status">{saved}</span>}
    </form>
  );
}
