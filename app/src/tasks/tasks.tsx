import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { AssigneeSelect, fieldErrors, Link, nameOf, SyncBadge, syncStateSql, TextField, useTeam, type RecordSync } from '../ui/record-kit.tsx';

interface TaskRow {
  id: string;
  title: string;
  status: string;
  priority: string;
  due: string | null;
  overdue: boolean;
  assignee_id: string | null;
  related_table: string | null;
  related_id: string | null;
  sync: RecordSync;
}

/** Where a task's related record lives in the client space. */
const RELATED_PAGE: Record<string, string> = { leads: 'leads', companies: 'companies', contacts: 'contacts', opportunities: 'opportunities', work_orders: 'work-orders' };

/** Tasks from the local database: mine or everyone's, open or done; add, assign, tick off. Offline too. */
export function TasksPage({ me, base }: { me: Me; base: string }) {
  const pg = usePGlite();
  const team = useTeam();
  const [who, setWho] = useState<'mine' | 'all'>('mine');
  const [state, setState] = useState<'open' | 'done' | 'all'>('open');
  const [draft, setDraft] = useState({ title: '', due: '', priority: 'normal', assignee_id: me.id as string | null });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const res = useLiveQuery<TaskRow>(
    `SELECT t.id, t.title, t.status, t.priority, to_char(t.due_at, 'YYYY-MM-DD') AS due,
            (t.due_at < now() AND t.status NOT IN ('done', 'cancelled')) AS overdue,
            t.assignee_id, t.related_table, t.related_id, ${syncStateSql('tasks', 't.id')} AS sync
       FROM tasks t
      WHERE ($1 = 'all' OR t.assignee_id = $2)
        AND ($3 = 'all' OR ($3 = 'open' AND t.status IN ('open', 'in_progress')) OR ($3 = 'done' AND t.status IN ('done', 'cancelled')))
      ORDER BY (t.status IN ('done', 'cancelled')), t.due_at NULLS LAST, lower(t.title), t.id
      LIMIT 500`,
    [who, me.id, state],
  );
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const due = draft.due ? new Date(`${draft.due}T17:00:00`).toISOString() : null;
    const values = { title: draft.title.trim(), due_at: due, priority: draft.priority, assignee_id: draft.assignee_id };
    const errs = fieldErrors('tasks', 'insert', values);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    await pg.query(`INSERT INTO tasks (title, due_at, priority, assignee_id, status) VALUES ($1, $2, $3, $4, 'open')`, [values.title, values.due_at, values.priority, values.assignee_id]);
    setDraft({ ...draft, title: '', due: '' });
  };
  const toggle = (id: string, done: boolean) =>
    pg.query(`UPDATE tasks SET status = $2, completed_at = CASE WHEN $2 = 'done' THEN now() ELSE NULL END WHERE id = $1`, [id, done ? 'done' : 'open']);
  const rows = res?.rows ?? [];
  const canUpdate = me.perms.includes('tasks.update');
  return (
    <section className="card" aria-labelledby="tasks-title">
      <h1 id="tasks-title">Tasks</h1>
      {me.perms.includes('tasks.create') && (
        <form className="row" onSubmit={(e) => void create(e)} aria-label="New task" noValidate>
          <TextField label="Task" name="title" value={draft.title} error={errors.title} required onChange={(v) => setDraft({ ...draft, title: v })} />
          <TextField label="Due" name="due" type="date" value={draft.due} onChange={(v) => setDraft({ ...draft, due: v })} />
          <label>
            Priority{' '}
            <select value={draft.priority} onChange={(e) => setDraft({ ...draft, priority: e.target.value })}>
              <option value="low">low</option>
              <option value="normal">normal</option>
              <option value="high">high</option>
            </select>
          </label>
          <AssigneeSelect label="For" value={draft.assignee_id} team={team} me={me} onChange={(v) => setDraft({ ...draft, assignee_id: v })} />
          <button type="submit">Add task</button>
        </form>
      )}
      <div className="row" role="group" aria-label="Filter tasks">
        <label>Show <select value={who} onChange={(e) => setWho(e.target.value as 'mine' | 'all')}><option value="mine">my tasks</option><option value="all">everyone's tasks</option></select></label>
        <label>Status <select value={state} onChange={(e) => setState(e.target.value as 'open' | 'done' | 'all')}><option value="open">open</option><option value="done">done</option><option value="all">all</option></select></label>
      </div>
      <p className="muted" aria-live="polite">{rows.length} tasks</p>
      <ul className="tasks">
        {rows.map((t) => (
          <li key={t.id} className={t.overdue ? 'overdue' : undefined}>
            <label>
              <input type="checkbox" aria-label={`Done: ${t.title}`} checked={t.status === 'done'} disabled={!canUpdate} onChange={(e) => void toggle(t.id, e.target.checked)} />{' '}
              <span className={t.status === 'done' ? 'done' : undefined}>{t.title}</span>
            </label>{' '}
            <span className="muted">
              {t.due ? `due ${t.due}` : 'no due date'}
              {t.overdue ? ' · overdue' : ''} · {t.priority} · {nameOf(team, t.assignee_id, me)}
            </span>{' '}
            {t.related_table && t.related_id && RELATED_PAGE[t.related_table] && (
              <Link to={`${base}/${RELATED_PAGE[t.related_table]}/${t.related_id}`}>open {t.related_table.replace(/_/g, ' ').replace(/s$/, '')}</Link>
            )}{' '}
            <SyncBadge sync={t.sync} />
          </li>
        ))}
      </ul>
    </section>
  );
}
