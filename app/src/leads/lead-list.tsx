import { usePGlite } from '@electric-sql/pglite-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { LEAD_STATUSES } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { navigate } from '../router.ts';
import { LeadCreateForm } from './lead-form.tsx';
import { badgeOf, LEAD_SORTS, leadCountQuery, leadWindowQuery, NO_FILTERS, type LeadFilters, type LeadListRow, type LeadSort } from './lead-queries.ts';
import { updateLead } from './lead-model.ts';
import { useLiveWindow } from '../local-db/live-window.ts';
import { analyzeIfStale } from '../local-db/overlay-query.ts';
import { NO_OPTIMISTIC, pruneOptimistic, withOptimistic, type Optimistic } from '../sync/optimistic-rows.ts';
import { nameOf, useTeam } from '../ui/record-kit.tsx';
import { dataWindow, VirtualTable, type Range } from '../ui/virtual-list.tsx';

const ROW_HEIGHT = 44;
const PAGE = 50;

/** What the list remembers in this tab while a lead is open, so "back" lands where it left. */
interface ViewState {
  filters: LeadFilters;
  scrollTop: number;
  lastId: string | null;
  /** The count when the list was left: sizes the list at once on the way back. */
  count: number | null;
}
const viewKey = (me: Me) => `streamflow.leads.view.${me.id}.${me.tenantId ?? ''}`;
function loadView(me: Me): ViewState {
  try {
    const raw = sessionStorage.getItem(viewKey(me));
    if (raw) return { filters: NO_FILTERS, scrollTop: 0, lastId: null, count: null, ...(JSON.parse(raw) as Partial<ViewState>) };
  } catch {
    // A broken or unavailable sessionStorage just means starting at the top.
  }
  return { filters: NO_FILTERS, scrollTop: 0, lastId: null, count: null };
}
function saveView(me: Me, v: ViewState) {
  try {
    sessionStorage.setItem(viewKey(me), JSON.stringify(v));
  } catch {
    // Not remembering the position is harmless.
  }
}

/**
 * All the tenant's leads, windowed: search, filters, sort and count run in
 * the local database; only the rows in view are queried and rendered.
 */
export function LeadList({ me, base }: { me: Me; base: string }) {
  const pg = usePGlite();
  const [initial] = useState(() => loadView(me));
  const [filters, setFilters] = useState<LeadFilters>(initial.filters);
  const [search, setSearch] = useState(initial.filters.search);
  const [range, setRange] = useState<Range>({ first: 0, last: 0 });
  const [scrollTop, setScrollTop] = useState(initial.scrollTop);
  const team = useTeam();
  const canUpdate = me.perms.includes('leads.update');

  // Typing narrows the list after a short pause, not on every key.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.search === search ? f : { ...f, search })), 150);
    return () => clearTimeout(t);
  }, [search]);

  const countQ = useMemo(() => leadCountQuery(filters, me.id), [filters, me.id]);
  const [liveCount, setLiveCount] = useState(0);
  const win = dataWindow(range, liveCount, PAGE);
  const winQ = useMemo(() => ({ ...leadWindowQuery(filters, me.id, win.offset, Math.max(win.limit, PAGE)), offset: win.offset }), [filters, me.id, win.offset, win.limit]);
  const live = useLiveWindow<LeadListRow>(winQ, countQ);
  const filtered = filters.search !== '' || filters.status !== '' || filters.assignee !== '';
  // Local writes already committed, shown before the live query's next result carries them.
  const [optimistic, setOptimistic] = useState<Optimistic<LeadListRow>>(NO_OPTIMISTIC);
  useEffect(() => setOptimistic((o) => pruneOptimistic(live.rows, o)), [live.rows]);
  const newFirst = filters.sort === 'newest' && !filters.search && !filters.status && (filters.assignee === '' || filters.assignee === 'mine');
  const rows = withOptimistic(live.rows, live.offset, optimistic, newFirst);
  // Until the first count: the one remembered for these filters, or at least the rows at hand.
  const counted = live.count ?? (JSON.stringify(filters) === JSON.stringify(initial.filters) && initial.count !== null ? initial.count : live.rows.length ? live.offset + live.rows.length : 0);
  const count = counted + rows.length - live.rows.length;
  useEffect(() => setLiveCount(count), [count]);

  // Once the list is up, give the planner statistics if a big sync left it without (see analyzeIfStale).
  const total = live.count !== null && !filtered ? live.count : null;
  useEffect(() => {
    if (total === null) return;
    const t = setTimeout(() => void analyzeIfStale(pg, 'leads', total).catch(() => {}), 1000);
    return () => clearTimeout(t);
  }, [pg, total]);

  const onRangeChange = useCallback((r: Range) => setRange(r), []);
  // Coming back from a lead: focus its row once, when it is in the window.
  const [focusId, setFocusId] = useState(initial.lastId);
  const focusIndex = useMemo(() => {
    if (!focusId) return null;
    const i = rows.findIndex((r) => r.id === focusId);
    return i < 0 ? null : live.offset + i;
  }, [focusId, rows, live.offset]);
  useEffect(() => {
    if (focusIndex !== null) setFocusId(null);
  }, [focusIndex]);
  const filterKey = JSON.stringify(filters);
  const [initialKey] = useState(filterKey);
  useEffect(() => {
    if (filterKey !== initialKey) setScrollTop(0);
  }, [filterKey, initialKey]);

  const open = (row: LeadListRow) => {
    saveView(me, { filters: { ...filters, search }, scrollTop, lastId: row.id, count: live.count });
    navigate(`${base}/leads/${row.id}`);
  };
  const setStatus = (id: string, status: LeadListRow['status']) => {
    setOptimistic((o) => ({ ...o, patches: { ...o.patches, [id]: { ...o.patches[id], status } } }));
    updateLead(pg, id, { status }).catch(() => {
      setOptimistic((o) => {
        const { [id]: _dropped, ...patches } = o.patches;
        return { ...o, patches };
      });
    });
  };
  const change = (patch: Partial<LeadFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    saveView(me, { filters: { ...filters, ...patch, search }, scrollTop: 0, lastId: null, count: null });
  };

  return (
    <section className="card leads-page" aria-labelledby="leads-title">
      <h1 id="leads-title">Leads</h1>
      {me.perms.includes('leads.create') && <LeadCreateForm me={me} base={base} onCreated={(row) => setOptimistic((o) => ({ ...o, created: [row, ...o.created] }))} />}
      <div className="leads-filters" role="search" aria-label="Find leads">
        <label>
          Search leads <input type="search" value={search} placeholder="Name, email, phone or company" onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label>
          Filter by status{' '}
          <select value={filters.status} onChange={(e) => change({ status: e.target.value as LeadFilters['status'] })}>
            <option value="">Any status</option>
            {LEAD_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Filter by assignee{' '}
          <select value={filters.assignee} onChange={(e) => change({ assignee: e.target.value })}>
            <option value="">Anyone</option>
            <option value="mine">Mine</option>
            <option value="none">Unassigned</option>
            {team.filter((t) => t.userId !== me.id).map((t) => <option key={t.userId} value={t.userId}>{t.name}</option>)}
          </select>
        </label>
        <label>
          Sort by{' '}
          <select value={filters.sort} onChange={(e) => change({ sort: e.target.value as LeadSort })}>
            {(Object.keys(LEAD_SORTS) as LeadSort[]).map((k) => <option key={k} value={k}>{LEAD_SORTS[k].label}</option>)}
          </select>
        </label>
      </div>
      <p className="muted" aria-live="polite" data-testid="leads-count">
        {live.count === null ? 'Counting leads…' : `${live.count.toLocaleString('en')} leads`}
        {filtered && live.count !== null ? ' match' : ''}
      </p>
      {live.count === 0 ? (
        <p>{filtered ? 'No lead matches these filters.' : 'No leads yet.'}</p>
      ) : (
        <VirtualTable
          key={filterKey}
          label="Leads"
          count={count}
          rowHeight={ROW_HEIGHT}
          initialScrollTop={filterKey === initialKey ? initial.scrollTop : 0}
          onScrollTopChange={setScrollTop}
          onRangeChange={onRangeChange}
          focusIndex={focusIndex}
          head={
            <>
              <th scope="col" className="leads-col-name">Name</th>
              <th scope="col" className="leads-wide">Company</th>
              <th scope="col" className="leads-wide">Email</th>
              <th scope="col" className="leads-wide">Phone</th>
              <th scope="col" className="leads-wide">Assignee</th>
              <th scope="col" className="leads-col-status">Status</th>
              <th scope="col" className="leads-col-sync">Sync</th>
            </>
          }
          renderRow={(index, rowProps) => {
            const l = rows[index - live.offset];
            if (!l) {
              return (
                <tr key={`loading-${index}`} {...rowProps} className="leads-loading" aria-busy="true">
                  <td colSpan={7}>Loading…</td>
                </tr>
              );
            }
            const badge = badgeOf(l.local_state);
            return (
              <tr key={l.id} {...rowProps} data-lead-id={l.id}>
                <th scope="row">
                  <a
                    href={`${base}/leads/${l.id}`}
                    onClick={(e) => {
                      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                      e.preventDefault();
                      open(l);
                    }}
                  >
                    {l.name}
                  </a>
                </th>
                <td className="leads-wide">{l.company_name ?? ''}</td>
                <td className="leads-wide">{l.email ?? ''}</td>
                <td className="leads-wide">{l.phone ?? ''}</td>
                <td className="leads-wide">{l.assignee_id ? nameOf(team, l.assignee_id, me) : ''}</td>
                <td>
                  <select aria-label={`Status of ${l.name}`} value={l.status} disabled={!canUpdate} onChange={(e) => setStatus(l.id, e.target.value as LeadListRow['status'])}>
                    {LEAD_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
                  </select>
                </td>
                <td>{badge && <span className={`badge badge-${badge}`}>{badge}</span>}</td>
              </tr>
            );
          }}
        />
      )}
    </section>
  );
}
