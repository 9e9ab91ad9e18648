import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicateLeadsQuery, findDuplicateLeads, LEAD_SORTS, leadByIdQuery, leadCountQuery, leadWhere, leadWindowQuery, NO_FILTERS, type LeadFilters, type LeadSort } from './lead-queries.ts';
import { createLead, updateLead } from './lead-model.ts';
import { analyzeIfStale } from '../local-db/overlay-query.ts';
import { openLocalStore, seedSyncedLeads } from '../local-db/test-local-db.ts';

const ME = 'user-me';
const N = 3_000;

/**
 * The same window read through the `leads` view itself: what the page must show. A lead made on
 * this device and not yet on the server takes its created_at from when it was queued.
 */
async function throughView(pg: PGlite, f: LeadFilters, offset: number, limit: number) {
  const { where, params } = leadWhere(f, ME);
  const order = LEAD_SORTS[f.sort].order.map((o) => `b.${o.column}${'desc' in o && o.desc ? ' DESC' : ''}`).join(', ');
  const res = await pg.query(
    `SELECT * FROM (
       SELECT v.id, v.name, v.company_name, v.email, v.phone, v.status, v.assignee_id,
              COALESCE(v.created_at, (SELECT min(o.created_at) FROM outbox o WHERE o.table_name = 'leads' AND o.row_id = v.id)) AS created_at, v.local_state
         FROM leads v) b
      ${where ? `WHERE ${where}` : ''} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  return res.rows;
}

async function windowed(pg: PGlite, f: LeadFilters, offset: number, limit: number) {
  const q = leadWindowQuery(f, ME, offset, limit);
  return (await pg.query(q.sql, q.params)).rows;
}

async function counted(pg: PGlite, f: LeadFilters) {
  const q = leadCountQuery(f, ME);
  return (await pg.query<{ n: number }>(q.sql, q.params)).rows[0]?.n;
}

describe('leads list queries over the local store', () => {
  let pg: PGlite;
  let edited: string;
  let deleted: string;
  let localOnly: string;

  beforeAll(async () => {
    pg = await openLocalStore();
    await seedSyncedLeads(pg, N, ME);
    const ids = (await pg.query<{ id: string }>(`SELECT id FROM leads_synced ORDER BY name LIMIT 3 OFFSET 10`)).rows.map((r) => r.id);
    [edited = '', deleted = ''] = ids;
    // This device's own changes, not yet confirmed: an edit that moves a lead in name order and
    // out of its status, a deletion, and a new lead that exists only here.
    await updateLead(pg, edited, { name: 'Zed Edited', status: 'qualified', phone: '+1 (555) 999-0000' });
    await pg.query('DELETE FROM leads WHERE id = $1', [deleted]);
    localOnly = await createLead(pg, { name: 'Alma Local', email: 'Alma@Example.test', status: 'new', assignee_id: ME });
  });
  afterAll(async () => {
    await pg.close();
  });

  const cases: [string, LeadFilters][] = [
    ['no filter', NO_FILTERS],
    ['status', { ...NO_FILTERS, status: 'qualified' }],
    ['mine', { ...NO_FILTERS, assignee: 'mine' }],
    ['unassigned', { ...NO_FILTERS, assignee: 'none' }],
    ['search by name', { ...NO_FILTERS, search: 'LEAD 0001' }],
    ['search by email', { ...NO_FILTERS, search: 'lead12@' }],
    ['search by phone digits', { ...NO_FILTERS, search: '555 999' }],
    ['search and status', { ...NO_FILTERS, search: 'company 7', status: 'new' }],
  ];
  for (const [label, f] of cases) {
    it(`windows and counts exactly what the view holds: ${label}`, async () => {
      for (const sort of Object.keys(LEAD_SORTS) as LeadSort[]) {
        const filters = { ...f, sort };
        for (const [offset, limit] of [[0, 50], [37, 13], [N - 40, 100]] as const) {
          expect(await windowed(pg, filters, offset, limit)).toEqual(await throughView(pg, filters, offset, limit));
        }
        const all = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM leads b ${leadWhere(filters, ME).where ? `WHERE ${leadWhere(filters, ME).where}` : ''}`, leadWhere(filters, ME).params);
        expect(await counted(pg, filters)).toBe(all.rows[0]?.n);
      }
    });
  }

  it('shows local changes: new leads first, newest first, the edit applied, the deletion gone', async () => {
    const top = await windowed(pg, NO_FILTERS, 0, 3);
    expect(top[0]).toMatchObject({ id: localOnly, name: 'Alma Local', local_state: 'pending' });
    expect((top[0] as { created_at?: unknown } | undefined)?.created_at).toBeInstanceOf(Date);
    // Several made here before any reached the server: in the order they were made.
    const made: string[] = [];
    for (const n of ['First', 'Second', 'Third']) {
      made.push(await createLead(pg, { name: `Made ${n}` }));
      await pg.query(`UPDATE outbox SET created_at = created_at - interval '1 second' WHERE row_id <> ALL($1::uuid[])`, [made]);
    }
    expect((await windowed(pg, NO_FILTERS, 0, 4)).map((r) => (r as { id: string }).id)).toEqual([...made].reverse().concat(localOnly));
    await pg.query('DELETE FROM leads WHERE id = ANY($1::uuid[])', [made]);
    const byName = await windowed(pg, { ...NO_FILTERS, sort: 'name_desc' }, 0, 1);
    expect(byName[0]).toMatchObject({ id: edited, name: 'Zed Edited', status: 'qualified', local_state: 'pending' });
    const q = leadByIdQuery(deleted);
    expect((await pg.query(q.sql, q.params)).rows).toEqual([]);
    expect(await counted(pg, NO_FILTERS)).toBe(N);
  });

  it('walks an index for a window instead of reading the whole table', async () => {
    for (const f of [NO_FILTERS, { ...NO_FILTERS, sort: 'name' as const }, { ...NO_FILTERS, status: 'new' as const }, { ...NO_FILTERS, assignee: 'mine' }]) {
      const q = leadWindowQuery(f, ME, 0, 50);
      const plan = (await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index (Only )?Scan( Backward)? using leads_synced_/);
      expect(plan).not.toMatch(/Seq Scan on leads_synced/);
    }
  });

  it('probes for duplicates through the email and phone indexes', async () => {
    const q = duplicateLeadsQuery({ email: 'a@b.test', phone: '+1 555 0000042' });
    const plan = (await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q?.sql ?? ''}`, q?.params ?? [])).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('leads_synced_email_idx');
    expect(plan).toContain('leads_synced_phone_digits_idx');
    expect(plan).not.toMatch(/Seq Scan on leads_synced/);
  });

  it('finds one lead by id with all its fields', async () => {
    const q = leadByIdQuery(edited);
    const [row] = (await pg.query(q.sql, q.params)).rows;
    expect(row).toMatchObject({ id: edited, name: 'Zed Edited', company_name: expect.any(String), source: 'web', score: expect.any(Number), value: '100.00', local_state: 'pending' });
  });

  it('finds duplicates by email ignoring case and by phone digits, local leads included, never the lead itself', async () => {
    const byEmail = await findDuplicateLeads(pg, { email: ' LEAD42@example.TEST ' });
    expect(byEmail).toHaveLength(1);
    expect(byEmail[0]).toMatchObject({ name: 'Lead 000042', on: 'email' });
    const byPhone = await findDuplicateLeads(pg, { phone: '1-555-000-0042' });
    expect(byPhone.map((d) => [d.name, d.on])).toEqual([['Lead 000042', 'phone']]);
    // The local edit's phone and the local-only lead's email are found too.
    expect((await findDuplicateLeads(pg, { phone: '15559990000' })).map((d) => d.id)).toEqual([edited]);
    expect((await findDuplicateLeads(pg, { email: 'alma@example.test' })).map((d) => d.id)).toEqual([localOnly]);
    expect(await findDuplicateLeads(pg, { email: 'alma@example.test', excludeId: localOnly })).toEqual([]);
    // Too few digits to mean anything, or nothing to probe.
    expect(await findDuplicateLeads(pg, { phone: '55' })).toEqual([]);
    expect(await findDuplicateLeads(pg, { email: '', phone: null })).toEqual([]);
    // A deleted lead is no duplicate.
    const gone = (await pg.query<{ email: string }>('SELECT email FROM leads_synced WHERE id = $1', [deleted])).rows[0]?.email;
    expect(await findDuplicateLeads(pg, { email: gone })).toEqual([]);
  });
});

describe('planner statistics after a big sync', () => {
  it('analyzes a synced table the planner knows nothing about, once, so a status filter sorted by name walks the name index', async () => {
    const pg = await openLocalStore();
    try {
      await seedSyncedLeads(pg, 20_000, ME, false);
      const q = leadWindowQuery({ ...NO_FILTERS, status: 'qualified', sort: 'name' }, ME, 0, 50);
      const plan = async () => (await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(await plan()).not.toContain('leads_synced_name_idx');
      expect(await analyzeIfStale(pg, 'leads', 20_000)).toBe(true);
      expect(await plan()).toContain('leads_synced_name_idx');
      expect(await analyzeIfStale(pg, 'leads', 20_000)).toBe(false);
      // Small tables are left alone.
      expect(await analyzeIfStale(pg, 'companies', 10)).toBe(false);
    } finally {
      await pg.close();
    }
  });
});
