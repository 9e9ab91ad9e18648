import { usePGlite } from '@electric-sql/pglite-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { LEAD_STATUSES } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { ActivityTimeline } from '../activities/activities.tsx';
import { DuplicateWarning, Field, useDuplicates } from './lead-form.tsx';
import { badgeOf, leadByIdQuery, type LeadRecord } from './lead-queries.ts';
import { AssigneeSelect, Link, useTeam } from '../ui/record-kit.tsx';
import { LeadConvertPanel } from './lead-convert-panel.tsx';
import { useLiveRows } from '../local-db/live-window.ts';
import { updateLead, validateLead, type FieldErrors, type LeadDraft, type LeadField } from './lead-model.ts';

const asText = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * One lead: every field editable (only the fields the user changed are
 * written, so another device's edits of other fields are kept), its sync
 * state, conversion, and its activity timeline.
 */
export function LeadDetail({ me, base, id }: { me: Me; base: string; id: string }) {
  const pg = usePGlite();
  const q = leadByIdQuery(id);
  const res = useLiveRows<LeadRecord>(q.sql, q.params);
  const lead = res?.[0];
  const heading = useRef<HTMLHeadingElement>(null);
  const [draft, setDraft] = useState<LeadDraft>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const team = useTeam();
  const canEdit = me.perms.includes('leads.update');

  // Arriving on a lead puts focus on its name, so a screen reader announces where it is.
  const found = Boolean(lead);
  useEffect(() => {
    if (found) heading.current?.focus();
  }, [id, found]);
  useEffect(() => {
    setDraft({});
    setErrors({});
    setSaved(null);
  }, [id]);

  const value = (f: LeadField) => draft[f] ?? asText(lead?.[f]);
  const dups = useDuplicates(value('email'), value('phone'), id);
  const back = <Link to={`${base}/leads`}>← All leads</Link>;

  if (!res) return <section className="card" aria-busy="true"><p className="muted">Opening the lead…</p></section>;
  if (!lead) {
    return (
      <section className="card" aria-labelledby="lead-missing">
        <h1 id="lead-missing">Lead not found</h1>
        <p>This lead is not in your local data: it may have been deleted, or it has not synced yet.</p>
        {back}
      </section>
    );
  }

  const set = (f: LeadField) => (v: string) => {
    setDraft((d) => ({ ...d, [f]: v }));
    setErrors((e) => ({ ...e, [f]: undefined }));
    setSaved(null);
  };
  // Only fields whose text differs from the record count as changed.
  const changed = Object.fromEntries(Object.entries(draft).filter(([f, v]) => v !== asText(lead[f as LeadField]))) as LeadDraft;
  const dirty = Object.keys(changed).length > 0;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!dirty) return;
    const checked = validateLead(changed, 'update');
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    await updateLead(pg, id, checked.values);
    setDraft({});
    setErrors({});
    setSaved('Saved on this device; it uploads when you are online.');
  };

  const badge = badgeOf(lead.local_state);
  const text = (f: LeadField, label: string, type = 'text', extra: Record<string, string> = {}) => (
    <Field label={label} error={errors[f]}>
      {(a) => <input {...a} {...extra} type={type} value={value(f)} readOnly={!canEdit} onChange={(e) => set(f)(e.target.value)} />}
    </Field>
  );
  return (
    <section className="card leads-detail" aria-labelledby="lead-title">
      <p>{back}</p>
      <h1 id="lead-title" tabIndex={-1} ref={heading}>
        {lead.name} {badge && <span className={`badge badge-${badge}`}>{badge}</span>}
      </h1>
      <form className="leads-edit" onSubmit={(e) => void save(e)} aria-label="Edit lead" noValidate>
        {text('name', 'Name')}
        {text('company_name', 'Company')}
        {text('email', 'Email', 'email')}
        {text('phone', 'Phone', 'tel')}
        {text('source', 'Source')}
        <Field label="Status" error={errors.status}>
          {(a) => (
            <select {...a} value={value('status')} disabled={!canEdit} onChange={(e) => set('status')(e.target.value)}>
              {LEAD_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          )}
        </Field>
        <div className="leads-field">
          <AssigneeSelect label="Assignee" value={value('assignee_id') || null} team={team} me={me} disabled={!canEdit} onChange={(v) => set('assignee_id')(v ?? '')} />
          {errors.assignee_id && <span className="leads-field-error" role="alert">{errors.assignee_id}</span>}
        </div>
        {text('score', 'Score (0–100)', 'number', { min: '0', max: '100', step: '1' })}
        {text('value', 'Value', 'text', { inputMode: 'decimal' })}
        <Field label="Notes" error={errors.notes} className="leads-wide-field">
          {(a) => <textarea {...a} rows={3} value={value('notes')} readOnly={!canEdit} onChange={(e) => set('notes')(e.target.value)} />}
        </Field>
        <DuplicateWarning dups={dups} base={base} />
        {canEdit && (
          <div className="leads-actions">
            <button type="submit" disabled={!dirty}>Save changes</button>
            <button type="button" className="leads-secondary" disabled={!dirty} onClick={() => { setDraft({}); setErrors({}); }}>Discard changes</button>
            {saved && <span className="muted" role="status">{saved}</span>}
          </div>
        )}
      </form>
      <LeadConvertPanel me={me} base={base} lead={lead} />
      <ActivityTimeline me={me} relatedTable="leads" relatedId={lead.id} />
    </section>
  );
}
