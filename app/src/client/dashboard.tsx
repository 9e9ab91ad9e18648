import { useLiveQuery } from '@electric-sql/pglite-react';
import type { ModuleKey } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { ClientDashboard } from '../onboarding/dashboard.tsx';
import { useOnline } from '../sync/status.ts';
import { stagesOf } from './opportunities.tsx';
import { Link } from './record-kit.tsx';

/*
 * The client dashboard: what needs doing today, read live from the local
 * database (so it works offline), above the onboarding part (wizard,
 * checklist, tips), which needs the server.
 */

function MyLeads({ me, base }: { me: Me; base: string }) {
  const res = useLiveQuery<{ id: string; name: string; status: string; total: number }>(
    `SELECT id, name, status, count(*) OVER ()::int AS total FROM leads
      WHERE assignee_id = $1 AND status NOT IN ('converted', 'unqualified')
      ORDER BY updated_at DESC NULLS LAST, id LIMIT 5`,
    [me.id],
  );
  const rows = res?.rows ?? [];
  return (
    <section className="card" aria-labelledby="dash-leads">
      <h2 id="dash-leads">My open leads <span className="muted">({rows[0]?.total ?? 0})</span></h2>
      {rows.length === 0 ? <p className="muted">No open leads assigned to you.</p> : (
        <ul>{rows.map((l) => <li key={l.id}><Link to={`${base}/leads/${l.id}`}>{l.name}</Link> <span className="muted">{l.status}</span></li>)}</ul>
      )}
      <Link to={`${base}/leads`}>All leads</Link>
    </section>
  );
}

function TasksDue({ me, base }: { me: Me; base: string }) {
  const res = useLiveQuery<{ id: string; title: string; due: string; overdue: boolean }>(
    `SELECT id, title, to_char(due_at, 'YYYY-MM-DD') AS due, due_at < date_trunc('day', now()) AS overdue FROM tasks
      WHERE assignee_id = $1 AND status IN ('open', 'in_progress') AND due_at < date_trunc('day', now()) + interval '1 day'
      ORDER BY due_at, id LIMIT 10`,
    [me.id],
  );
  const rows = res?.rows ?? [];
  return (
    <section className="card" aria-labelledby="dash-tasks">
      <h2 id="dash-tasks">Tasks due today <span className="muted">({rows.length}{rows.length === 10 ? '+' : ''})</span></h2>
      {rows.length === 0 ? <p className="muted">Nothing due today.</p> : (
        <ul>{rows.map((t) => <li key={t.id} className={t.overdue ? 'overdue' : undefined}>{t.title} <span className="muted">{t.overdue ? `overdue since ${t.due}` : 'today'}</span></li>)}</ul>
      )}
      <Link to={`${base}/tasks`}>All tasks</Link>
    </section>
  );
}

function PipelineSummary({ me, base }: { me: Me; base: string }) {
  const res = useLiveQuery<{ stage: string; n: number; total: string }>(
    `SELECT stage, count(*)::int AS n, coalesce(sum(amount), 0)::text AS total FROM opportunities GROUP BY stage`,
    [],
  );
  const rows = res?.rows ?? [];
  const stages = stagesOf(me, rows.map((r) => r.stage)).filter((s) => s.outcome === undefined);
  return (
    <section className="card" aria-labelledby="dash-pipeline">
      <h2 id="dash-pipeline">Open pipeline</h2>
      <table className="list compact">
        <thead><tr><th scope="col">Stage</th><th scope="col">Deals</th><th scope="col">Value</th></tr></thead>
        <tbody>
          {stages.map((s) => {
            const r = rows.find((x) => x.stage === s.key);
            return <tr key={s.key}><th scope="row">{s.label}</th><td>{r?.n ?? 0}</td><td>{Number(r?.total ?? 0).toLocaleString()}</td></tr>;
          })}
        </tbody>
      </table>
      <Link to={`${base}/opportunities`}>The board</Link>
    </section>
  );
}

function TodaysWork({ base }: { base: string }) {
  // A field worker's local database holds only their own work orders (the my_work_orders shape).
  const res = useLiveQuery<{ id: string; number: string; title: string; status: string; at: string | null; company: string | null }>(
    `SELECT w.id, w.number, w.title, w.status, to_char(w.scheduled_start, 'HH24:MI') AS at, c.name AS company
       FROM work_orders w LEFT JOIN companies c ON c.id = w.company_id
      WHERE w.scheduled_start >= date_trunc('day', now()) AND w.scheduled_start < date_trunc('day', now()) + interval '1 day'
      ORDER BY w.scheduled_start, w.number`,
    [],
  );
  const rows = res?.rows ?? [];
  return (
    <section className="card" aria-labelledby="dash-work">
      <h2 id="dash-work">Today's work orders <span className="muted">({rows.length})</span></h2>
      {rows.length === 0 ? <p className="muted">No work orders scheduled today.</p> : (
        <ul>{rows.map((w) => <li key={w.id}>{w.at ?? ''} <Link to={`${base}/work-orders/${w.id}`}>{w.number}</Link> {w.title}{w.company ? ` · ${w.company}` : ''} <span className="muted">{w.status.replace('_', ' ')}</span></li>)}</ul>
      )}
      <Link to={`${base}/work-orders`}>All work orders</Link>
    </section>
  );
}

export function Dashboard({ me, base }: { me: Me; base: string }) {
  const online = useOnline();
  // A tile shows when the role may read it and the plan has its module on.
  const can = (p: string, module?: ModuleKey) => me.perms.includes(p) && (!module || me.modules?.[module] !== false);
  return (
    <div className="dashboard">
      <div className="tiles">
        {can('work_orders.read', 'work_orders') && <TodaysWork base={base} />}
        {can('tasks.read', 'tasks') && <TasksDue me={me} base={base} />}
        {can('leads.read') && <MyLeads me={me} base={base} />}
        {can('opportunities.read', 'pipeline') && <PipelineSummary me={me} base={base} />}
      </div>
      {online ? <ClientDashboard me={me} /> : <p className="muted">Setup and the getting-started checklist need a connection; everything above works offline.</p>}
    </div>
  );
}
