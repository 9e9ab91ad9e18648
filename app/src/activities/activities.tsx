import { usePGlite } from '@electric-sql/pglite-react';
import { useId, useState, type FormEvent } from 'react';
import { ACTIVITY_KINDS, WRITABLE_TABLES } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { badgeOf } from '../leads/lead-queries.ts';
import { useLiveRows } from '../local-db/live-window.ts';
import { overlayWindowSql } from '../local-db/overlay-query.ts';

/*
 * The activity timeline of any record (a lead, company, contact,
 * opportunity, work order): notes, calls, emails and meetings from the local
 * `activities` view, newest first, and a form that logs a new one locally
 * (queued for upload, so it works offline).
 */

type Kind = (typeof ACTIVITY_KINDS)[number];

interface ActivityRow {
  id: string;
  kind: Kind;
  subject: string | null;
  body: string | null;
  occurred_at: Date | null;
  actor_id: string | null;
  local_state: string | null;
}

const KIND_LABEL: Record<Kind, string> = { note: 'Note', call: 'Call', email: 'Email', meeting: 'Meeting' };
const PAGE = 50;

/** The SQL of a record's timeline window (newest first), over the local activities. */
export function timelineSql(limit: number): string {
  return overlayWindowSql(
    { table: 'activities', columns: ['id', 'kind', 'subject', 'body', 'occurred_at', 'actor_id', 'related_table', 'related_id'] },
    { where: 'b.related_table = $1 AND b.related_id = $2::uuid', order: [{ column: 'occurred_at', desc: true }, { column: 'id', desc: true }], limit, offset: 0 },
  );
}

/** A `datetime-local` value (local wall time) as an ISO timestamp, or null when blank or invalid. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export interface NewActivity {
  kind: Kind;
  subject: string;
  body: string;
  /** ISO time; now when null. */
  occurredAt: string | null;
}

/**
 * Validates a new activity with the write API's validator and writes it
 * through the local view. Returns an error message per field when invalid.
 */
export async function logActivity(
  pg: { query: (sql: string, params: unknown[]) => Promise<unknown> },
  me: Pick<Me, 'id'>,
  related: { table: string; id: string },
  a: NewActivity,
): Promise<Record<string, string> | null> {
  const occurredAt = a.occurredAt ?? new Date().toISOString();
  const values = { kind: a.kind, subject: a.subject.trim() || null, body: a.body.trim() || null, occurredAt, actorId: me.id, relatedTable: related.table, relatedId: related.id };
  const errors: Record<string, string> = {};
  if (!values.subject && !values.body) errors.body = 'Write a subject or some text.';
  const res = WRITABLE_TABLES.activities.insert.safeParse(values);
  if (!res.success) for (const i of res.error.issues) errors[String(i.path[0])] ??= i.message;
  if (Object.keys(errors).length) return errors;
  await pg.query(
    `INSERT INTO activities (kind, subject, body, occurred_at, actor_id, related_table, related_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [values.kind, values.subject, values.body, values.occurredAt, values.actorId, values.relatedTable, values.relatedId],
  );
  return null;
}

const when = (d: Date | null) => (d ? d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'just now');

/** A record's notes, calls and emails, newest first, with a form to add one. Works offline. */
export function ActivityTimeline({ me, relatedTable, relatedId }: { me: Me; relatedTable: string; relatedId: string }) {
  const pg = usePGlite();
  const id = useId();
  const [limit, setLimit] = useState(PAGE);
  const [kind, setKind] = useState<Kind>('note');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [at, setAt] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const res = useLiveRows<ActivityRow>(timelineSql(limit), [relatedTable, relatedId]);
  const rows = res ?? [];
  const canWrite = me.perms.includes('activities.create');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs = await logActivity(pg, me, { table: relatedTable, id: relatedId }, { kind, subject, body, occurredAt: localInputToIso(at) });
    if (errs) {
      setErrors(errs);
      return;
    }
    setErrors({});
    setSubject('');
    setBody('');
    setAt('');
    setSaved(`${KIND_LABEL[kind]} added.`);
  };

  const err = (k: string) => errors[k] && <span id={`${id}-${k}-err`} className="leads-field-error" role="alert">{errors[k]}</span>;
  const described = (k: string) => (errors[k] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${k}-err` } : {});
  return (
    <section className="timeline" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Activity</h2>
      {canWrite && (
        <form className="timeline-form" onSubmit={(e) => void submit(e)} aria-label="Add a note or log a call" noValidate>
          <div className="leads-field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {ACTIVITY_KINDS.map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
            </select>
          </div>
          <div className="leads-field">
            <label htmlFor={`${id}-subject`}>Subject</label>
            <input id={`${id}-subject`} value={subject} onChange={(e) => setSubject(e.target.value)} {...described('subject')} />
            {err('subject')}
          </div>
          <div className="leads-field">
            <label htmlFor={`${id}-at`}>When (blank for now)</label>
            <input id={`${id}-at`} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} {...described('occurredAt')} />
            {err('occurredAt')}
          </div>
          <div className="leads-field timeline-body">
            <label htmlFor={`${id}-body`}>Details</label>
            <textarea id={`${id}-body`} rows={3} value={body} onChange={(e) => setBody(e.target.value)} {...described('body')} />
            {err('body')}
          </div>
          <button type="submit">{kind === 'call' ? 'Log call' : `Add ${KIND_LABEL[kind].toLowerCase()}`}</button>
          {saved && <span className="muted" role="status">{saved}</span>}
        </form>
      )}
      {rows.length === 0 ? (
        <p className="muted">{res ? 'Nothing logged yet.' : 'Loading…'}</p>
      ) : (
        <ol className="timeline-list">
          {rows.map((a) => (
            <li key={a.id} className={`timeline-item timeline-${a.kind}`}>
              <p className="timeline-meta">
                <strong>{KIND_LABEL[a.kind] ?? a.kind}</strong> · <time dateTime={a.occurred_at?.toISOString()}>{when(a.occurred_at)}</time>
                {' · '}{a.actor_id === me.id ? 'you' : 'a teammate'}
                {badgeOf(a.local_state) && <> <span className={`badge badge-${a.local_state}`}>{a.local_state}</span></>}
              </p>
              {a.subject && <p className="timeline-subject">{a.subject}</p>}
              {a.body && <p className="timeline-text">{a.body}</p>}
            </li>
          ))}
        </ol>
      )}
      {rows.length >= limit && <button type="button" onClick={() => setLimit(limit + PAGE)}>Show older</button>}
    </section>
  );
}
