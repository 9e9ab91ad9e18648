import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { ActivityTimeline } from '../activities/activities.tsx';
import { fieldErrors, Link, NotFound, RecordForm, SyncBadge, syncStateSql, TextField, type RecordSync } from '../ui/record-kit.tsx';
import { ContactsOf } from '../contacts/contacts.tsx';

const PAGE = 100;

interface CompanyRow {
  id: string;
  name: string;
  industry: string | null;
  email: string | null;
  phone: string | null;
  contacts: number;
  sync: RecordSync;
}

/** Companies from the local database: search, add, open one. */
export function CompaniesPage({ me, base }: { me: Me; base: string }) {
  const pg = usePGlite();
  const [search, setSearch] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const [draft, setDraft] = useState({ name: '', industry: '', email: '', phone: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const where = `strpos(lower(c.name || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.phone, '') || ' ' || coalesce(c.industry, '')), lower($1)) > 0`;
  const total = useLiveQuery<{ n: number }>(`SELECT count(*)::int AS n FROM companies c WHERE ${where}`, [search]);
  const res = useLiveQuery<CompanyRow>(
    `SELECT c.id, c.name, c.industry, c.email, c.phone,
            (SELECT count(*)::int FROM contacts k WHERE k.company_id = c.id) AS contacts,
            ${syncStateSql('companies', 'c.id')} AS sync
       FROM companies c WHERE ${where} ORDER BY lower(c.name), c.id LIMIT $2`,
    [search, limit],
  );
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const values = { name: draft.name.trim(), industry: draft.industry.trim(), email: draft.email.trim(), phone: draft.phone.trim() };
    const errs = fieldErrors('companies', 'insert', values);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    await pg.query(`INSERT INTO companies (name, industry, email, phone, custom) VALUES ($1, NULLIF($2, ''), NULLIF($3, ''), NULLIF($4, ''), '{}')`, [
      values.name,
      values.industry,
      values.email,
      values.phone,
    ]);
    setDraft({ name: '', industry: '', email: '', phone: '' });
  };
  const rows = res?.rows ?? [];
  const count = total?.rows[0]?.n ?? 0;
  return (
    <section className="card" aria-labelledby="companies-title">
      <h1 id="companies-title">Companies</h1>
      {me.perms.includes('companies.create') && (
        <form className="row" onSubmit={(e) => void create(e)} aria-label="New company" noValidate>
          <TextField label="Company name" name="name" value={draft.name} error={errors.name} required onChange={(v) => setDraft({ ...draft, name: v })} />
          <TextField label="Industry" name="industry" value={draft.industry} onChange={(v) => setDraft({ ...draft, industry: v })} />
          <TextField label="Email" name="email" type="email" value={draft.email} error={errors.email} onChange={(v) => setDraft({ ...draft, email: v })} />
          <TextField label="Phone" name="phone" value={draft.phone} error={errors.phone} onChange={(v) => setDraft({ ...draft, phone: v })} />
          <button type="submit">Add company</button>
        </form>
      )}
      <label className="row">
        Search companies{' '}
        <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setLimit(PAGE); }} />
      </label>
      <p className="muted" aria-live="polite">{count} companies</p>
      <table className="list">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Industry</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Contacts</th><th scope="col">Sync</th></tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id}>
              <th scope="row"><Link to={`${base}/companies/${c.id}`}>{c.name}</Link></th>
              <td>{c.industry ?? ''}</td>
              <td>{c.email ?? ''}</td>
              <td>{c.phone ?? ''}</td>
              <td>{c.contacts}</td>
              <td><SyncBadge sync={c.sync} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length < count && <button type="button" onClick={() => setLimit(limit + PAGE)}>Show more</button>}
    </section>
  );
}

const COMPANY_FIELDS = [
  { name: 'name', label: 'Name' },
  { name: 'industry', label: 'Industry' },
  { name: 'email', label: 'Email', type: 'email' },
  { name: 'phone', label: 'Phone' },
  { name: 'domain', label: 'Website' },
  { name: 'address', label: 'Address' },
];

/** One company: its fields (editable offline), its contacts, deals and work. */
export function CompanyDetail({ me, base, id }: { me: Me; base: string; id: string }) {
  const res = useLiveQuery<Record<string, string | null> & { sync: RecordSync }>(
    `SELECT c.id, c.name, c.industry, c.email, c.phone, c.domain, c.address, ${syncStateSql('companies', 'c.id')} AS sync FROM companies c WHERE c.id = $1`,
    [id],
  );
  const deals = useLiveQuery<{ id: string; name: string; stage: string; amount: string | null; currency: string }>(
    `SELECT id, name, stage, amount::text AS amount, currency FROM opportunities WHERE company_id = $1 ORDER BY name`,
    [id],
  );
  const work = useLiveQuery<{ id: string; number: string; title: string; status: string }>(
    `SELECT id, number, title, status FROM work_orders WHERE company_id = $1 ORDER BY scheduled_start DESC NULLS LAST, number`,
    [id],
  );
  const c = res?.rows[0];
  if (!res) return <p aria-busy="true">Loading…</p>;
  if (!c) return <NotFound what="Company" back={{ to: `${base}/companies`, label: 'All companies' }} />;
  const pipeline = me.pipeline ?? [];
  return (
    <div className="detail">
      <section className="card" aria-labelledby="company-title">
        <p><Link to={`${base}/companies`}>← All companies</Link></p>
        <h1 id="company-title">{c.name} <SyncBadge sync={c.sync} /></h1>
        <RecordForm table="companies" id={id} fields={COMPANY_FIELDS} row={c} disabled={!me.perms.includes('companies.update')} />
      </section>
      {me.perms.includes('contacts.read') && <ContactsOf me={me} base={base} companyId={id} />}
      <section className="card" aria-labelledby="company-deals">
        <h2 id="company-deals">Opportunities</h2>
        {(deals?.rows ?? []).length === 0 ? (
          <p className="muted">No opportunities yet.</p>
        ) : (
          <ul>
            {(deals?.rows ?? []).map((d) => (
              <li key={d.id}>
                <Link to={`${base}/opportunities/${d.id}`}>{d.name}</Link> · {pipeline.find((s) => s.key === d.stage)?.label ?? d.stage}
                {d.amount ? ` · ${d.amount} ${d.currency}` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      {me.perms.includes('activities.read') && <ActivityTimeline me={me} relatedTable="companies" relatedId={id} />}
      {me.perms.includes('work_orders.read') && (
        <section className="card" aria-labelledby="company-work">
          <h2 id="company-work">Work orders</h2>
          {(work?.rows ?? []).length === 0 ? (
            <p className="muted">No work orders.</p>
          ) : (
            <ul>
              {(work?.rows ?? []).map((w) => (
                <li key={w.id}>
                  <Link to={`${base}/work-orders/${w.id}`}>{w.number}</Link> {w.title} · {w.status.replace('_', ' ')}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
