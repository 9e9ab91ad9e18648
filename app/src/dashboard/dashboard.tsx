import type { ReactNode } from 'react';
import { useLiveQuery } from '@electric-sql/pglite-react';
import type { ModuleKey } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { ClientDashboard } from '../onboarding/dashboard.tsx';
import { useOnline } from '../sync/status.ts';
import { stagesOf } from '../pipeline/opportunities.tsx';
import { AppLink } from '../ui/button.tsx';
import { Badge, Card, PageHeader, Skeleton, type Tone } from '../ui/page.tsx';
import './dashboard.css';

/*
 * The client dashboard: what needs doing today, read live from the local
 * database (so it works offline), with the onboarding part (wizard,
 * checklist, tips) around it, which needs the server.
 */

const words = (s: string) => s.replaceAll('_', ' ');

function Tile({ id, title, count, more, children }: { id: string; title: string; count?: string; more: { href: string; label: string }; children: ReactNode }) {
  return (
    <Card id={id} title={<>{title}{count && <span className="sf-page-count"> {count}</span>}</>} actions={<AppLink className="dash-more" href={more.href}>{more.label}</AppLink>}>
      {children}
    </Card>
  );
}

const LEAD_TONE: Record<string, Tone> = { new: 'accent', contacted: 'neutral', qualified: 'success' };

function MyLeads({ me, base }: { me: Me; base: string }) {
  const res = useLiveQuery<{ id: string; name: string; status: string; total: number }>(
    `SELECT id, name, status, count(*) OVER ()::int AS total FROM leads
      WHERE assignee_id = $1 AND status NOT IN ('converted', 'unqualified')
      ORDER BY updated_at DESC NULLS LAST, id LIMIT 5`,
    [me.id],
  );
  const rows = res?.rows ?? [];
  return (
    <Tile id="dash-leads" title="My open leads" count={res ? String(rows[0]?.total ?? 0) : undefined} more={{ href: `${base}/leads`, label: 'All leads' }}>
      {!res ? <Skeleton rows={3} /> : rows.length === 0 ? <p className="dash-empty">No open leads are assigned to you.</p> : (
        <ul className="dash-list">
          {rows.map((l) => (
            <li key={l.id}>
              <span className="dash-main"><AppLink href={`${base}/leads/${l.id}`}>{l.name}</AppLink></span>
              <Badge tone={LEAD_TONE[l.status] ?? 'neutral'}>{words(l.status)}</Badge>
            </li>
          ))}
        </ul>
      )}
    </Tile>
  );
}

function TasksDue({ me, base }: { me: Me; base: string }) {
  const res = useLiveQuery<{ id: string; title: string; due: string; overdue: boolean }>(
    `SELECT id, title, due_at::text AS due, due_at < date_trunc('day', now()) AS overdue FROM tasks
      WHERE assignee_id = $1 AND status IN ('open', 'in_progress') AND due_at < date_trunc('day', now()) + interval '1 day'
      ORDER BY due_at, id LIMIT 10`,
    [me.id],
  );
  const rows = res?.rows ?? [];
  return (
    <Tile id="dash-tasks" title="Tasks due today" count={res ? `${rows.length}${rows.length === 10 ? '+' : ''}` : undefined} more={{ href: `${base}/tasks`, label: 'All tasks' }}>
      {!res ? <Skeleton rows={3} /> : rows.length === 0 ? <p className="dash-empty">Nothing is due today.</p> : (
        <ul className="dash-list">
          {rows.map((t) => (
            <li key={t.id}>
              <span className="dash-main">{t.title}</span>
              {t.overdue ? <Badge tone="danger">overdue since {new Date(t.due).toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}</Badge> : <Badge>today</Badge>}
            </li>
          ))}
        </ul>
      )}
    </Tile>
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
    <Tile id="dash-pipeline" title="Open pipeline" more={{ href: `${base}/opportunities`, label: 'The board' }}>
      {!res ? <Skeleton rows={4} /> : (
        <div className="sf-table-wrap">
          <table className="sf-table sf-table-compact">
            <thead><tr><th scope="col">Stage</th><th scope="col" className="sf-num">Deals</th><th scope="col" className="sf-num">Value</th></tr></thead>
            <tbody>
              {stages.map((s) => {
                const r = rows.find((x) => x.stage === s.key);
                return (
                  <tr key={s.key}>
                    <th scope="row">{s.label}</th>
                    <td className="sf-num">{(r?.n ?? 0).toLocaleString()}</td>
                    <td className="sf-num">{Number(r?.total ?? 0).toLocaleString(undefined, { maximumFractionDigits: 0 })}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Tile>
  );
}

export const WORK_ORDER_TONE: Record<string, Tone> = { scheduled: 'accent', in_progress: 'warning', paused: 'neutral', done: 'success', cancelled: 'danger' };

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
    <Tile id="dash-work" title="Today's work orders" count={res ? String(rows.length) : undefined} more={{ href: `${base}/work-orders`, label: 'All work orders' }}>
      {!res ? <Skeleton rows={3} /> : rows.length === 0 ? <p className="dash-empty">No work orders are scheduled today.</p> : (
        <ul className="dash-list">
          {rows.map((w) => (
            <li key={w.id}>
              <span className="dash-time">{w.at ?? ''}</span>
              <span className="dash-main"><AppLink href={`${base}/work-orders/${w.id}`}>{w.number}</AppLink> {w.title}{w.company ? ` · ${w.company}` : ''}</span>
              <Badge tone={WORK_ORDER_TONE[w.status] ?? 'neutral'}>{words(w.status)}</Badge>
            </li>
          ))}
        </ul>
      )}
    </Tile>
  );
}

export function Dashboard({ me, base }: { me: Me; base: string }) {
  const online = useOnline();
  // A tile shows when the role may read it and the plan has its module on.
  const can = (p: string, module?: ModuleKey) => me.perms.includes(p) && (!module || me.modules?.[module] !== false);
  const tiles = (
    <div className="sf-grid dash-tiles">
      {can('work_orders.read', 'work_orders') && <TodaysWork base={base} />}
      {can('tasks.read', 'tasks') && <TasksDue me={me} base={base} />}
      {can('leads.read') && <MyLeads me={me} base={base} />}
      {can('opportunities.read', 'pipeline') && <PipelineSummary me={me} base={base} />}
    </div>
  );
  if (online) return <ClientDashboard me={me}>{tiles}</ClientDashboard>;
  return (
    <>
      <PageHeader title="Dashboard" description={me.roles.includes('owner') ? 'Setup and the getting-started checklist come back with a connection; everything here works offline.' : undefined} />
      {tiles}
    </>
  );
}
