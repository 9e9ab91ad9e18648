import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { WRITABLE_TABLES, type WritableTableName } from '@streamflow/schema';
import { api, type Me } from '../api.ts';
import { navigate } from '../router.ts';
import { useOnline } from '../sync/status.ts';
import { fieldLabel, issueSentence } from './messages.ts';

/*
 * Pieces every client page shares: the per-record sync badge, links inside
 * the space, the team directory for names and assignee pickers, and form
 * validation with the same zod validators the write API uses.
 * Live queries inline their parameters with format(): their SQL never holds a
 * literal percent sign.
 */

export type RecordSync = 'pending' | 'conflict' | 'rejected' | null;

/**
 * A SQL expression: the sync state of the row whose id is `idExpr` in `table`
 * (its newest outbox entry's status), null when it has nothing queued.
 */
export const syncStateSql = (table: string, idExpr: string) =>
  `(SELECT ob.status FROM outbox ob WHERE ob.table_name = '${table}' AND ob.row_id = ${idExpr} ORDER BY ob.seq DESC LIMIT 1)`;

/** The record's badge: pending (not yet on the server), conflict or rejected (see the sync-issues drawer). */
export function SyncBadge({ sync }: { sync: RecordSync }) {
  return sync ? <span className={`badge badge-${sync}`}>{sync}</span> : null;
}

/** A link inside the app (no reload). */
export function Link({ to, children, label }: { to: string; children: ReactNode; label?: string }) {
  return (
    <a
      href={to}
      aria-label={label}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export interface Teammate {
  userId: string;
  name: string;
  roles: string[];
}

const TEAM_KEY = 'team';

/**
 * The tenant's members (names, roles) from `GET /api/team`, kept in the local
 * database (`local_meta`) so names and assignee pickers work offline. Refreshed
 * whenever the app is online and a page using it mounts.
 */
export function useTeam(): Teammate[] {
  const pg = usePGlite();
  const online = useOnline();
  const stored = useLiveQuery<{ value: string }>(`SELECT value FROM local_meta WHERE key = '${TEAM_KEY}'`, []);
  useEffect(() => {
    if (!online) return;
    let cancelled = false;
    api<{ members: Teammate[] }>('/api/team').then(
      (t) => {
        if (cancelled) return;
        void pg.query(`INSERT INTO local_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [TEAM_KEY, JSON.stringify(t.members)]);
      },
      () => {
        // Keep what is stored; the next mount while online tries again.
      },
    );
    return () => {
      cancelled = true;
    };
  }, [online, pg]);
  const raw = stored?.rows[0]?.value;
  try {
    return raw ? (JSON.parse(raw) as Teammate[]) : [];
  } catch {
    return [];
  }
}

/** A member's name from the team directory ("Unassigned" for none, the id when unknown). */
export function nameOf(team: Teammate[], userId: string | null | undefined, me?: Me): string {
  if (!userId) return 'Unassigned';
  if (me && userId === me.id) return `${me.name} (you)`;
  // Until the directory has loaded once, say nothing rather than something wrong.
  return team.find((t) => t.userId === userId)?.name ?? (team.length === 0 ? '' : 'Someone else');
}

/** A select of the tenant's members (plus "Unassigned"); value is a user id or ''. */
export function AssigneeSelect(props: { label: string; value: string | null; onChange: (userId: string | null) => void; team: Teammate[]; me: Me; disabled?: boolean }) {
  const known = props.team.some((t) => t.userId === props.value) || !props.value || props.value === props.me.id;
  return (
    <label>
      {props.label}{' '}
      <select value={props.value ?? ''} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value || null)}>
        <option value="">Unassigned</option>
        {!props.team.some((t) => t.userId === props.me.id) && <option value={props.me.id}>{props.me.name} (you)</option>}
        {props.team.map((t) => (
          <option key={t.userId} value={t.userId}>
            {t.userId === props.me.id ? `${t.name} (you)` : t.name}
          </option>
        ))}
        {!known && <option value={props.value ?? ''}>Someone else</option>}
      </select>
    </label>
  );
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Field errors of `values` (snake_case columns, as the local views name them)
 * under the write API's own validator for `table` — the same rules the server
 * applies, so a form shows a problem before anything is queued. `insert`
 * checks a whole new row (required fields too); `update` only the given ones.
 * Each problem is a sentence about its field (`labels` names the fields as the form does).
 */
export function fieldErrors(
  table: WritableTableName,
  mode: 'insert' | 'update',
  values: Record<string, unknown>,
  labels: Record<string, string> = {},
): Record<string, string> {
  const schema = WRITABLE_TABLES[table][mode];
  const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [camel(k), v === '' ? null : v]));
  if (mode === 'insert' && !('id' in input)) input.id = crypto.randomUUID();
  const parsed = schema.safeParse(input);
  if (parsed.success) return {};
  const out: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    const column = Object.keys(values).find((k) => camel(k) === field) ?? field;
    out[column] ??= issueSentence(issue, labels[column] ?? fieldLabel(column));
  }
  return out;
}

/** A labelled input with its error under it (announced to screen readers). */
export function TextField(props: { label: string; name: string; value: string; onChange: (v: string) => void; error?: string; type?: string; required?: boolean; disabled?: boolean }) {
  const id = `${useId()}-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && (
        <span id={`${id}-err`} className="field-error" role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}

/**
 * An edit form over one record of a local view: shows the fields, validates
 * with the write API's rules, and writes only the changed fields (an UPDATE
 * on the view; its trigger queues the mutation with the values last seen as
 * the base). Works offline.
 */
export function RecordForm(props: {
  table: WritableTableName;
  id: string;
  fields: { name: string; label: string; type?: string }[];
  row: Record<string, string | null>;
  disabled?: boolean;
  onSaved?: () => void;
}) {
  const pg = usePGlite();
  const initial = () => Object.fromEntries(props.fields.map((f) => [f.name, props.row[f.name] ?? '']));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  // Another device's change arriving (or a conflict resolved) refreshes the fields the user has not touched.
  const [seen, setSeen] = useState(props.row);
  if (props.fields.some((f) => (seen[f.name] ?? '') !== (props.row[f.name] ?? ''))) {
    setSeen(props.row);
    setValues(Object.fromEntries(props.fields.map((f) => [f.name, values[f.name] === (seen[f.name] ?? '') ? (props.row[f.name] ?? '') : (values[f.name] ?? '')])));
  }
  const changed = props.fields.filter((f) => (values[f.name] ?? '') !== (props.row[f.name] ?? ''));
  const save = async () => {
    const patch = Object.fromEntries(changed.map((f) => [f.name, values[f.name] === '' ? null : values[f.name]]));
    const errs = fieldErrors(props.table, 'update', patch, Object.fromEntries(props.fields.map((f) => [f.name, f.label])));
    setErrors(errs);
    if (Object.keys(errs).length > 0 || changed.length === 0) return;
    const sets = changed.map((f, i) => `"${f.name}" = $${i + 2}`).join(', ');
    await pg.query(`UPDATE ${props.table} SET ${sets} WHERE id = $1`, [props.id, ...changed.map((f) => patch[f.name])]);
    setSaved(true);
    props.onSaved?.();
  };
  return (
    <form
      className="record-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {props.fields.map((f) => (
        <TextField
          key={f.name}
          name={f.name}
          label={f.label}
          type={f.type}
          value={values[f.name] ?? ''}
          error={errors[f.name]}
          disabled={props.disabled}
          onChange={(v) => {
            setSaved(false);
            setValues({ ...values, [f.name]: v });
          }}
        />
      ))}
      {!props.disabled && (
        <div className="row">
          <button type="submit" disabled={changed.length === 0}>
            Save changes
          </button>
          {saved && changed.length === 0 && <span role="status">Saved on this device.</span>}
        </div>
      )}
    </form>
  );
}

/** "Not found" for a record that is not (or no longer) in the local database. */
export function NotFound({ what, back }: { what: string; back: { to: string; label: string } }) {
  return (
    <section className="card" role="alert">
      <h1>{what} not found</h1>
      <p>It may have been deleted, or it is not shared with you.</p>
      <Link to={back.to}>{back.label}</Link>
    </section>
  );
}
