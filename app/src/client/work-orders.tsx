import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import type { Me } from '../api.ts';
import { ActivityTimeline } from './activities.tsx';
import { navigate } from '../router.ts';

interface WorkOrderRow {
  id: string;
  number: string;
  title: string;
  status: string;
  priority: string;
  scheduled_start: string | null;
  company: string | null;
  sync: 'pending' | 'conflict' | 'rejected' | null;
}

const LABEL: Record<string, string> = { in_progress: 'Start', paused: 'Pause', done: 'Done', cancelled: 'Cancel', scheduled: 'Reschedule' };
const SYNC_OF = (table: string, id: string) =>
  `(SELECT o.status FROM outbox o WHERE o.table_name = '${table}' AND o.row_id = ${id} ORDER BY o.seq DESC LIMIT 1)`;

/** Work orders from the local database (a field worker holds only their own), with status moves. */
export function WorkOrdersPage({ me, base }: { me: Me; base: string }) {
  const res = useLiveQuery<WorkOrderRow>(
    `SELECT w.id, w.number, w.title, w.status, w.priority, w.scheduled_start::text AS scheduled_start, c.name AS company, ${SYNC_OF('work_orders', 'w.id')} AS sync
       FROM work_orders w LEFT JOIN companies c ON c.id = w.company_id
      ORDER BY (w.status IN ('done', 'cancelled')), w.scheduled_start NULLS LAST, w.number`,
    [],
  );
  const rows = res?.rows ?? [];
  return (
    <section className="card" aria-labelledby="wo-title">
      <h1 id="wo-title">Work orders</h1>
      <p className="muted">{rows.length} work orders</p>
      <table className="list">
        <thead>
          <tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">Actions</th><th scope="col">Sync</th></tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={w.id}>
              <td>
                <a href={`${base}/work-orders/${w.id}`} onClick={(e) => { e.preventDefault(); navigate(`${base}/work-orders/${w.id}`); }}>{w.number}</a>
              </td>
              <th scope="row">{w.title}</th>
              <td>{w.company ?? ''}</td>
              <td>{w.status.replace('_', ' ')}</td>
              <td><StatusMoves me={me} id={w.id} status={w.status} title={w.title} /></td>
              <td>{w.sync && <span className={`badge badge-${w.sync}`}>{w.sync}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The moves the tenant's workflow allows from `status`; nothing else is offered. */
function StatusMoves({ me, id, status, title }: { me: Me; id: string; status: string; title: string }) {
  const pg = usePGlite();
  const next = me.workOrderTransitions?.[status] ?? [];
  if (!me.perms.includes('work_orders.update')) return null;
  return (
    <span className="row">
      {next.map((to) => (
        <button key={to} type="button" aria-label={`${LABEL[to] ?? to} ${title}`} onClick={() => void pg.query('UPDATE work_orders SET status = $2 WHERE id = $1', [id, to])}>
          {LABEL[to] ?? to.replace('_', ' ')}
        </button>
      ))}
    </span>
  );
}

/** One work order with its status history. */
export function WorkOrderDetail({ me, id }: { me: Me; id: string }) {
  const wo = useLiveQuery<WorkOrderRow & { description: string | null; address: string | null }>(
    `SELECT w.id, w.number, w.title, w.status, w.priority, w.description, w.address, w.scheduled_start::text AS scheduled_start, c.name AS company, ${SYNC_OF('work_orders', 'w.id')} AS sync
       FROM work_orders w LEFT JOIN companies c ON c.id = w.company_id WHERE w.id = $1`,
    [id],
  );
  const history = useLiveQuery<{ id: string; from_status: string | null; to_status: string; created_at: string }>(
    `SELECT id, from_status, to_status, created_at::text AS created_at FROM work_order_status_history WHERE work_order_id = $1 ORDER BY created_at`,
    [id],
  );
  const w = wo?.rows[0];
  if (!wo) return <p aria-busy="true">Loading…</p>;
  if (!w) return <section className="card"><h1>Work order not found</h1><p>It is not (or no longer) among your work orders.</p></section>;
  return (
    <div className="detail">
      <section className="card" aria-labelledby="wo-detail">
        <h1 id="wo-detail">{w.number}: {w.title}</h1>
        <p>Status: <strong>{w.status.replace('_', ' ')}</strong> {w.sync && <span className={`badge badge-${w.sync}`}>{w.sync}</span>}</p>
        <StatusMoves me={me} id={w.id} status={w.status} title={w.title} />
        {w.company && <p>Customer: {w.company}</p>}
        {w.address && <p>Address: {w.address}</p>}
        {w.description && <p>{w.description}</p>}
        <h2>History</h2>
        <ol>
          {(history?.rows ?? []).map((h) => (
            <li key={h.id}>{h.created_at.slice(0, 16)}: {h.from_status ?? 'created'} → {h.to_status}</li>
          ))}
        </ol>
      </section>
      {me.perms.includes('activities.read') && <ActivityTimeline me={me} relatedTable="work_orders" relatedId={w.id} />}
    </div>
  );
}
