import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { ActivityTimeline } from '../activities/activities.tsx';
import { fieldErrors, Link, NotFound, RecordForm, SyncBadge, syncStateSql, TextField, type RecordSync } from '../ui/record-kit.tsx';

const PAGE = 100;

interface ContactRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  company_id: string | null;
  company: string | null;
  sync: RecordSync;
}

const fullName = (c: { first_name: string; last_name: string }) => `${c.first_name} ${c.last_name}`.trim();

const CONTACT_SELECT = `SELECT k.id, k.first_name, k.last_name, k.email, k.phone, k.title, k.company_id, co.name AS company,
          ${syncStateSql('contacts', 'k.id')} AS sync
     FROM contacts k LEFT JOIN companies co ON co.id = k.company_id`;

/** Adds a contact locally (optionally at a company); returns field errors, if any. */
function useAddContact() {
  const pg = usePGlite();
  return async (v: { first_name: string; last_name: string; email: string; phone: string; company_id: string | null }) => {
    const errs = fieldErrors('contacts', 'insert', v);
    if (Object.keys(errs).length) return errs;
    await pg.query(
      `INSERT INTO contacts (first_name, last_name, email, phone, company_id, custom) VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), $5, '{}')`,
      [v.first_name, v.last_name, v.email, v.phone, v.company_id],
    );
    return {};
  };
}

function NewContactForm({ companyId, companies }: { companyId: string | null; companies?: { id: string; name: string }[] }) {
  const add = useAddContact();
  const empty = { first_name: '', last_name: '', email: '', phone: '', company_id: companyId };
  const [draft, setDraft] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = { ...draft, first_name: draft.first_name.trim(), last_name: draft.last_name.trim(), email: draft.email.trim(), phone: draft.phone.trim() };
    const errs = await add(trimmed);
    setErrors(errs);
    if (Object.keys(errs).length === 0) setDraft(empty);
  };
  return (
    <form className="row" onSubmit={(e) => void submit(e)} aria-label="New contact" noValidate>
      <TextField label="First name" name="first_name" value={draft.first_name} error={errors.first_name} required onChange={(v) => setDraft({ ...draft, first_name: v })} />
      <TextField label="Last name" name="last_name" value={draft.last_name} onChange={(v) => setDraft({ ...draft, last_name: v })} />
      <TextField label="Email" name="email" type="email" value={draft.email} error={errors.email} onChange={(v) => setDraft({ ...draft, email: v })} />
      <TextField label="Phone" name="phone" value={draft.phone} error={errors.phone} onChange={(v) => setDraft({ ...draft, phone: v })} />
      {companies && (
        <label>
          Company{' '}
          <select value={draft.company_id ?? ''} onChange={(e) => setDraft({ ...draft, company_id: e.target.value || null })}>
            <option value="">None</option>
            {companies.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
      )}
      <button type="submit">Add contact</button>
    </form>
  );
}

function ContactTable({ rows, base, showCompany }: { rows: ContactRow[]; base: string; showCompany: boolean }) {
  return (
    <table className="list">
      <thead>
        <tr>
          <th scope="col">Name</th>
          {showCompany && <th scope="col">Company</th>}
          <th scope="col">Email</th>
          <th scope="col">Phone</th>
          <th scope="col">Sync</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr key={k.id}>
            <th scope="row"><Link to={`${base}/contacts/${k.id}`}>{fullName(k)}</Link>{k.title ? <span className="muted"> · {k.title}</span> : null}</th>
            {showCompany && <td>{k.company_id ? <Link to={`${base}/companies/${k.company_id}`}>{k.company ?? ''}</Link> : ''}</td>}
            <td>{k.email ?? ''}</td>
            <td>{k.phone ?? ''}</td>
            <td><SyncBadge sync={k.sync} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Contacts from the local database: search, add (at a company), open one. */
export function ContactsPage({ me, base }: { me: Me; base: string }) {
  const [search, setSearch] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const where = `strpos(lower(k.first_name || ' ' || k.last_name || ' ' || coalesce(k.email, '') || ' ' || coalesce(k.phone, '')), lower($1)) > 0`;
  const total = useLiveQuery<{ n: number }>(`SELECT count(*)::int AS n FROM contacts k WHERE ${where}`, [search]);
  const res = useLiveQuery<ContactRow>(`${CONTACT_SELECT} WHERE ${where} ORDER BY lower(k.last_name), lower(k.first_name), k.id LIMIT $2`, [search, limit]);
  const companies = useLiveQuery<{ id: string; name: string }>(`SELECT id, name FROM companies ORDER BY lower(name) LIMIT 500`, []);
  const rows = res?.rows ?? [];
  const count = total?.rows[0]?.n ?? 0;
  return (
    <section className="card" aria-labelledby="contacts-title">
      <h1 id="contacts-title">Contacts</h1>
      {me.perms.includes('contacts.create') && <NewContactForm companyId={null} companies={companies?.rows ?? []} />}
      <label className="row">
        Search contacts{' '}
        <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setLimit(PAGE); }} />
      </label>
      <p className="muted" aria-live="polite">{count} contacts</p>
      <ContactTable rows={rows} base={base} showCompany />
      {rows.length < count && <button type="button" onClick={() => setLimit(limit + PAGE)}>Show more</button>}
    </section>
  );
}

/** The contacts of one company, with a quick add (on the company's page). */
export function ContactsOf({ me, base, companyId }: { me: Me; base: string; companyId: string }) {
  const res = useLiveQuery<ContactRow>(`${CONTACT_SELECT} WHERE k.company_id = $1 ORDER BY lower(k.last_name), lower(k.first_name), k.id`, [companyId]);
  return (
    <section className="card" aria-labelledby="company-contacts">
      <h2 id="company-contacts">Contacts</h2>
      {me.perms.includes('contacts.create') && <NewContactForm companyId={companyId} />}
      {(res?.rows ?? []).length === 0 ? <p className="muted">No contacts yet.</p> : <ContactTable rows={res?.rows ?? []} base={base} showCompany={false} />}
    </section>
  );
}

const CONTACT_FIELDS = [
  { name: 'first_name', label: 'First name' },
  { name: 'last_name', label: 'Last name' },
  { name: 'title', label: 'Job title' },
  { name: 'email', label: 'Email', type: 'email' },
  { name: 'phone', label: 'Phone' },
];

/** One contact: fields editable offline, their company. */
export function ContactDetail({ me, base, id }: { me: Me; base: string; id: string }) {
  const res = useLiveQuery<ContactRow>(`${CONTACT_SELECT} WHERE k.id = $1`, [id]);
  const k = res?.rows[0];
  if (!res) return <p aria-busy="true">Loading…</p>;
  if (!k) return <NotFound what="Contact" back={{ to: `${base}/contacts`, label: 'All contacts' }} />;
  return (
    <div className="detail">
      <section className="card" aria-labelledby="contact-title">
        <p><Link to={`${base}/contacts`}>← All contacts</Link></p>
        <h1 id="contact-title">{fullName(k)} <SyncBadge sync={k.sync} /></h1>
        {k.company_id && <p>At <Link to={`${base}/companies/${k.company_id}`}>{k.company ?? 'their company'}</Link></p>}
        <RecordForm table="contacts" id={id} fields={CONTACT_FIELDS} row={{ ...k, sync: null }} disabled={!me.perms.includes('contacts.update')} />
      </section>
      {me.perms.includes('activities.read') && <ActivityTimeline me={me} relatedTable="contacts" relatedId={id} />}
    </div>
  );
}
