import { useState } from 'react';
import { useLiveQuery } from '@electric-sql/pglite-react';
import { ClipboardList, MoreHorizontal, SearchX } from 'lucide-react';
import type { Me } from '../api.ts';
import { ActivityTimeline } from '../activities/activities.tsx';
import { AppLink, Button } from '../ui/button.tsx';
import { NativeSelect, TextField } from '../ui/field.tsx';
import { Menu } from '../ui/menu.tsx';
import { Badge, Card, Detail, DetailList, EmptyState, PageHeader, Skeleton, Toolbar } from '../ui/page.tsx';
import { CancelConfirm, MOVE_LABEL, STATUS_TONE, SYNC_TONE, StatusMoves, movesFor, statusWords, useMove } from './status-moves.tsx';
import './jobs.css';

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

const SYNC_OF = (table: string, id: string) =>
  `(SELECT o.status FROM outbox o WHERE o.table_name = '${table}' AND o.row_id = ${id} ORDER BY o.seq DESC LIMIT 1)`;

const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : null;

/** A history line says what happened ("Started"), not the status key. */
const HISTORY_WORDS: Record<string, string> = { scheduled: 'Rescheduled', in_progress: 'Started', paused: 'Paused', done: 'Finished', cancelled: 'Cancelled' };

const STATUS_FILTERS = [
  { id: 'all', label: 'All statuses' },
  { id: 'open', label: 'Open' },
  { id: 'scheduled', label: 'Scheduled' },
  { id: 'in_progress', label: 'In progress' },
  { id: 'paused', label: 'Paused' },
  { id: 'done', label: 'Done' },
  { id: 'cancelled', label: 'Cancelled' },
];

/** Work orders from the local database (a field worker holds only their own), with status moves. */
export function WorkOrdersPage({ me, base }: { me: Me; base: string }) {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('all');
  const res = useLiveQuery<WorkOrderRow>(
    `SELECT w.id, w.number, w.title, w.status, w.priority, w.scheduled_start::text AS scheduled_start, c.name AS company, ${SYNC_OF('work_orders', 'w.id')} AS sync
       FROM work_orders w LEFT JOIN companies c ON c.id = w.company_id
      ORDER BY (w.status IN ('done', 'cancelled')), w.scheduled_start NULLS LAST, w.number`,
    [],
  );
  const rows = res?.rows ?? [];
  const q = search.trim().toLowerCase();
  const shown = rows.filter(
    (w) =>
      (status === 'all' || (status === 'open' ? !['done', 'cancelled'].includes(w.status) : w.status === status)) &&
      (!q || `${w.number} ${w.title} ${w.company ?? ''}`.toLowerCase().includes(q)),
  );
  const isWorker = !me.perms.includes('work_orders.create') && me.roles.includes('worker');
  return (
    <>
      <PageHeader title="Work orders" count={res ? `${rows.length.toLocaleString()} work order${rows.length === 1 ? '' : 's'}` : undefined} />
      {rows.length > 0 && (
        <Toolbar>
          <TextField className="jobs-search" label="Search" type="search" value={search} onChange={setSearch} placeholder="Number, title or customer" />
          <NativeSelect label="Status" value={status} onChange={setStatus} options={STATUS_FILTERS} />
        </Toolbar>
      )}
      {!res ? (
        <Skeleton rows={6} label="Loading work orders" />
      ) : rows.length === 0 ? (
        <EmptyState icon={<ClipboardList size={28} />} title={isWorker ? 'Nothing is assigned to you' : 'No work orders yet'}>
          {isWorker ? 'Work orders your dispatcher assigns to you appear here, and stay here when you are offline.' : 'Work orders appear here once a job is scheduled for your team.'}
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState
          icon={<SearchX size={28} />}
          title="No work orders match"
          action={<Button variant="secondary" onPress={() => { setSearch(''); setStatus('all'); }}>Clear the filters</Button>}
        >
          Try another word or status.
        </EmptyState>
      ) : (
        <div className="sf-table-wrap">
          <table className="sf-table">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Title</th>
                <th scope="col" className="jobs-secondary">Customer</th>
                <th scope="col" className="jobs-secondary">Scheduled</th>
                <th scope="col">Status</th>
                <th scope="col"><span className="sf-visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((w) => (
                <tr key={w.id}>
                  <td className="jobs-number"><AppLink href={`${base}/work-orders/${w.id}`}>{w.number}</AppLink></td>
                  <th scope="row">{w.title}</th>
                  <td className="jobs-secondary">{w.company ?? ''}</td>
                  <td className="jobs-secondary">{when(w.scheduled_start) ?? <span className="sf-muted">not scheduled</span>}</td>
                  <td>
                    <span className="jobs-moves">
                      <Badge tone={STATUS_TONE[w.status] ?? 'neutral'}>{statusWords(w.status)}</Badge>
                      {w.sync && <Badge tone={SYNC_TONE[w.sync] ?? 'neutral'}>{w.sync}</Badge>}
                    </span>
                  </td>
                  <td><StatusMoves me={me} id={w.id} status={w.status} title={w.title} number={w.number} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** One work order: its moves (cancel behind a confirmation), details, status history and notes. */
export function WorkOrderDetail({ me, id, base }: { me: Me; id: string; base?: string }) {
  const wo = useLiveQuery<WorkOrderRow & { description: string | null; address: string | null }>(
    `SELECT w.id, w.number, w.title, w.status, w.priority, w.description, w.address, w.scheduled_start::text AS scheduled_start, c.name AS company, ${SYNC_OF('work_orders', 'w.id')} AS sync
       FROM work_orders w LEFT JOIN companies c ON c.id = w.company_id WHERE w.id = $1`,
    [id],
  );
  const history = useLiveQuery<{ id: string; from_status: string | null; to_status: string; created_at: string }>(
    `SELECT id, from_status, to_status, created_at::text AS created_at FROM work_order_status_history WHERE work_order_id = $1 ORDER BY created_at`,
    [id],
  );
  const move = useMove(id);
  const [confirming, setConfirming] = useState(false);
  const listHref = `${base ?? window.location.pathname.replace(/\/work-orders\/.*$/, '')}/work-orders`;
  const crumbs = [{ href: listHref, label: 'Work orders' }];
  const w = wo?.rows[0];
  if (!wo) return <><PageHeader title="Work order" crumbs={crumbs} /><Skeleton rows={6} label="Loading the work order" /></>;
  if (!w) {
    return (
      <>
        <PageHeader title="Work order not found" crumbs={crumbs} />
        <EmptyState title="This work order is not here" action={<AppLink href={listHref}>Back to work orders</AppLink>}>
          It is not (or no longer) among your work orders.
        </EmptyState>
      </>
    );
  }
  const next = movesFor(me, w.status);
  const forward = next.filter((to) => to !== 'cancelled');
  const [primary, ...others] = forward;
  const canCancel = next.includes('cancelled');
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={`${w.number}: ${w.title}`}
        status={
          <>
            <Badge tone={STATUS_TONE[w.status] ?? 'neutral'}>{statusWords(w.status)}</Badge>
            {w.sync && <Badge tone={SYNC_TONE[w.sync] ?? 'neutral'}>{w.sync}</Badge>}
          </>
        }
        actions={
          next.length > 0 && (
            <>
              {others.map((to) => (
                <Button key={to} variant="secondary" aria-label={`${MOVE_LABEL[to] ?? statusWords(to)} ${w.title}`} onPress={() => move(to)}>{MOVE_LABEL[to] ?? statusWords(to)}</Button>
              ))}
              {primary && (
                <Button variant="primary" aria-label={`${MOVE_LABEL[primary] ?? statusWords(primary)} ${w.title}`} onPress={() => move(primary)}>{MOVE_LABEL[primary] ?? statusWords(primary)}</Button>
              )}
              {canCancel && (
                <Menu
                  label="More actions"
                  trigger={<Button variant="ghost" iconOnly icon={<MoreHorizontal size={18} aria-hidden="true" />}>More actions</Button>}
                  sections={[{ items: [{ id: 'cancel', label: 'Cancel work order…', danger: true, onAction: () => setConfirming(true) }] }]}
                />
              )}
            </>
          )
        }
      />
      <CancelConfirm isOpen={confirming} onClose={() => setConfirming(false)} onConfirm={() => move('cancelled')} label={w.number} />
      <Card id="wo-details" title="Job">
        <DetailList>
          <Detail label="Customer">{w.company}</Detail>
          <Detail label="Address">{w.address}</Detail>
          <Detail label="Scheduled">{when(w.scheduled_start)}</Detail>
          <Detail label="Priority">{statusWords(w.priority)}</Detail>
        </DetailList>
        {w.description && <p className="jobs-description">{w.description}</p>}
      </Card>
      <Card id="wo-history" title="Status history">
        {(history?.rows ?? []).length === 0 ? <p className="sf-muted">No changes yet.</p> : (
          <ol className="jobs-history">
            {(history?.rows ?? []).map((h) => (
              <li key={h.id}>
                <time dateTime={h.created_at}>{when(h.created_at)}</time>
                <span>{h.from_status ? HISTORY_WORDS[h.to_status] ?? statusWords(h.to_status) : 'Created'}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
      {me.perms.includes('activities.read') && <ActivityTimeline me={me} relatedTable="work_orders" relatedId={w.id} />}
    </>
  );
}
