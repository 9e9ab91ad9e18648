import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useState, type FormEvent } from 'react';
import { LEAD_STATUSES } from '@streamflow/schema';
import type { Me } from '../api.ts';

interface LeadRow {
  id: string;
  name: string;
  company_name: string | null;
  email: string | null;
  status: string;
  sync: 'pending' | 'conflict' | 'rejected' | null;
}

const STATUSES = LEAD_STATUSES;
const PAGE = 100;
// Live queries inline their parameters with format(), so their SQL never contains a literal percent sign.

/**
 * Leads, read live from the local database and written locally (the view's
 * triggers record the change and queue it for upload), so the page works
 * offline and a change shows at once.
 */
export function LeadsPage(_props: { me: Me; base: string; id?: string }) {
  const pg = usePGlite();
  const [search, setSearch] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const total = useLiveQuery<{ n: number }>(`SELECT count(*)::int AS n FROM leads WHERE strpos(lower(name), lower($1)) > 0`, [search]);
  const res = useLiveQuery<LeadRow>(
    `SELECT l.id, l.name, l.company_name, l.email, l.status,
            (SELECT o.status FROM outbox o WHERE o.table_name = 'leads' AND o.row_id = l.id ORDER BY o.seq DESC LIMIT 1) AS sync
       FROM leads l
      WHERE strpos(lower(l.name), lower($1)) > 0
      ORDER BY l.created_at DESC NULLS FIRST, l.id
      LIMIT $2`,
    [search, limit],
  );

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError('A lead needs a name.');
    setError(null);
    await pg.query(`INSERT INTO leads (name, email, status) VALUES ($1, NULLIF($2, ''), 'new')`, [name.trim(), email.trim()]);
    setName('');
    setEmail('');
  };
  const setStatus = (id: string, status: string) => pg.query('UPDATE leads SET status = $2 WHERE id = $1', [id, status]);

  const rows = res?.rows ?? [];
  const count = total?.rows[0]?.n ?? 0;
  return (
    <section className="card" aria-labelledby="leads-title">
      <h1 id="leads-title">Leads</h1>
      <form className="row" onSubmit={(e) => void create(e)} aria-label="New lead">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <button type="submit">Add lead</button>
        {error && <span role="alert">{error}</span>}
      </form>
      <label className="row">
        Search <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setLimit(PAGE); }} />
      </label>
      <p className="muted" aria-live="polite">{count} leads</p>
      <table className="list">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Company</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Sync</th></tr>
        </thead>
        <tbody>
          {rows.map((l) => (
            <tr key={l.id} data-lead-id={l.id}>
              <th scope="row">{l.name}</th>
              <td>{l.company_name ?? ''}</td>
              <td>{l.email ?? ''}</td>
              <td>
                <select aria-label={`Status of ${l.name}`} value={l.status} onChange={(e) => void setStatus(l.id, e.target.value)}>
                  {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
                </select>
              </td>
              <td>{l.sync && <span className={`badge badge-${l.sync}`}>{l.sync}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length < count && <button type="button" onClick={() => setLimit(limit + PAGE)}>Show more</button>}
    </section>
  );
}
