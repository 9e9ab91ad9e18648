import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITABLE_TABLES } from '@streamflow/schema';
import { ConvertError, convertLead, knownStages, splitName, stageOptions } from './lead-convert.ts';
import { createLead } from './lead-model.ts';
import { openLocalStore, ORG } from '../local-db/test-local-db.ts';

const ME = 'user-me';

interface Entry {
  table_name: string;
  op: string;
  row_id: string;
  values: Record<string, unknown>;
}

describe('converting a lead to an opportunity, locally', () => {
  let pg: PGlite;
  const outbox = async () => (await pg.query<Entry>('SELECT table_name, op, row_id, "values" FROM outbox ORDER BY seq')).rows;

  beforeAll(async () => {
    pg = await openLocalStore();
    // Synced opportunities give the stages: open ones by probability, closed-only ones last.
    await pg.query(
      `INSERT INTO opportunities_synced (id, org_id, created_at, updated_at, name, stage, currency, probability, closed_at)
       VALUES (gen_random_uuid(), $1, now(), now(), 'A', 'quote_sent', 'USD', 50, NULL),
              (gen_random_uuid(), $1, now(), now(), 'B', 'won', 'USD', 100, now()),
              (gen_random_uuid(), $1, now(), now(), 'C', 'site_visit', 'USD', 30, NULL),
              (gen_random_uuid(), $1, now(), now(), 'D', 'new', 'USD', 10, NULL)`,
      [ORG],
    );
    await pg.query(`INSERT INTO companies_synced (id, org_id, created_at, updated_at, name, custom) VALUES (gen_random_uuid(), $1, now(), now(), 'Acme Plumbing', '{}')`, [ORG]);
  });
  afterAll(async () => {
    await pg.close();
  });

  it('offers the stages the local opportunities use, first stage first', async () => {
    expect(await knownStages(pg)).toEqual(['new', 'site_visit', 'quote_sent', 'won']);
  });

  it("starts in the template's first open stage, else in the stages local opportunities use", () => {
    const pipeline = [
      { key: 'new', label: 'New' },
      { key: 'quote_sent', label: 'Quote sent' },
      { key: 'won', label: 'Won', outcome: 'won' as const },
      { key: 'lost', label: 'Lost', outcome: 'lost' as const },
    ];
    expect(stageOptions(pipeline, ['site_visit'])).toEqual([{ key: 'new', label: 'New' }, { key: 'quote_sent', label: 'Quote sent' }]);
    expect(stageOptions(null, ['site_visit', 'won'])).toEqual([{ key: 'site_visit', label: 'site visit' }, { key: 'won', label: 'won' }]);
    expect(stageOptions([], [])).toEqual([]);
  });

  it('splits a name into first and last name', () => {
    expect(splitName('  Ada  King Lovelace ')).toEqual({ first: 'Ada', last: 'King Lovelace' });
    expect(splitName('Cher')).toEqual({ first: 'Cher', last: '' });
  });

  it('makes a company, a contact and an opportunity, marks the lead converted, and queues them in order', async () => {
    const leadId = await createLead(pg, { name: 'Ada Lovelace', email: 'ada@example.test', phone: '+1 555 0101', company_name: 'Analytical Engines', value: '2500.00' });
    await pg.query('DELETE FROM outbox');
    const res = await convertLead(pg, leadId, ME, { opportunityName: '', stage: 'new', withCompany: true, withContact: true });
    expect(res.companyCreated).toBe(true);

    const lead = (await pg.query('SELECT status, converted_opportunity_id FROM leads WHERE id = $1', [leadId])).rows[0];
    expect(lead).toEqual({ status: 'converted', converted_opportunity_id: res.opportunityId });
    const opp = (await pg.query('SELECT name, stage, amount, lead_id, company_id, contact_id, owner_id FROM opportunities WHERE id = $1', [res.opportunityId])).rows[0];
    expect(opp).toEqual({ name: 'Analytical Engines', stage: 'new', amount: '2500.00', lead_id: leadId, company_id: res.companyId, contact_id: res.contactId, owner_id: ME });
    const contact = (await pg.query('SELECT first_name, last_name, email, phone, company_id FROM contacts WHERE id = $1', [res.contactId])).rows[0];
    expect(contact).toEqual({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.test', phone: '+1 555 0101', company_id: res.companyId });

    // Uploaded in this order, so the server sees the company before the contact and opportunity that point at it.
    const entries = await outbox();
    expect(entries.map((e) => `${e.table_name}.${e.op}`)).toEqual(['companies.insert', 'contacts.insert', 'opportunities.insert', 'leads.update']);
    expect(entries[3]?.values).toEqual({ status: 'converted', converted_opportunity_id: res.opportunityId });
    // Each queued row passes the write API's own validator for its table.
    for (const e of entries.slice(0, 3)) {
      const camel = Object.fromEntries(Object.entries(e.values).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));
      const table = e.table_name as 'companies' | 'contacts' | 'opportunities';
      expect(WRITABLE_TABLES[table].insert.safeParse(camel).error?.issues ?? []).toEqual([]);
    }
  });

  it('links an existing company of the same name instead of making another, and can skip the contact', async () => {
    const leadId = await createLead(pg, { name: 'Bo Pipes', company_name: 'acme plumbing' });
    await pg.query('DELETE FROM outbox');
    const res = await convertLead(pg, leadId, ME, { opportunityName: 'Bathroom refit', stage: 'site_visit', withCompany: true, withContact: false });
    const existing = (await pg.query<{ id: string }>(`SELECT id FROM companies WHERE name = 'Acme Plumbing'`)).rows[0]?.id;
    expect(res).toMatchObject({ companyId: existing, companyCreated: false, contactId: null });
    expect((await outbox()).map((e) => `${e.table_name}.${e.op}`)).toEqual(['opportunities.insert', 'leads.update']);
    expect((await pg.query('SELECT name FROM opportunities WHERE id = $1', [res.opportunityId])).rows[0]).toEqual({ name: 'Bathroom refit' });
  });

  it('refuses a second conversion and a missing stage, writing nothing', async () => {
    const leadId = await createLead(pg, { name: 'Cy Once' });
    await convertLead(pg, leadId, ME, { opportunityName: '', stage: 'new', withCompany: false, withContact: false });
    await pg.query('DELETE FROM outbox');
    await expect(convertLead(pg, leadId, ME, { opportunityName: '', stage: 'new', withCompany: false, withContact: false })).rejects.toBeInstanceOf(ConvertError);
    const other = await createLead(pg, { name: 'Di Nostage' });
    await pg.query('DELETE FROM outbox');
    await expect(convertLead(pg, other, ME, { opportunityName: '', stage: ' ', withCompany: false, withContact: true })).rejects.toThrow(/stage/);
    expect(await outbox()).toEqual([]);
    expect((await pg.query(`SELECT count(*)::int AS n FROM contacts WHERE first_name = 'Di'`)).rows[0]).toEqual({ n: 0 });
  });
});
