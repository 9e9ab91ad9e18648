import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLead, draftToValues, updateLead, validateLead } from './lead-model.ts';
import { openLocalStore, seedSyncedLeads } from '../local-db/test-local-db.ts';

describe('lead form values and validation (the write API validators)', () => {
  it('turns blanks into NULL and the score into a number', () => {
    expect(draftToValues({ name: ' Ada ', email: '', score: '42', value: ' 12.50 ', notes: '  ' })).toEqual({ name: 'Ada', email: null, score: 42, value: '12.50', notes: null });
    expect(draftToValues({ score: '' })).toEqual({ score: 0 });
  });

  it('accepts a good new lead and reports each bad field next to it', () => {
    expect(validateLead({ name: 'Ada', email: 'ada@example.test', phone: '+1 555 0100', value: '1200.00' }, 'insert')).toEqual({
      ok: true,
      values: { name: 'Ada', email: 'ada@example.test', phone: '+1 555 0100', value: '1200.00' },
    });
    const bad = validateLead({ name: ' ', email: 'not-an-email', phone: '1', value: 'lots', score: '101' }, 'insert');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual(['email', 'name', 'phone', 'score', 'value']);
    expect(bad.errors.email).toMatch(/email address/);
  });

  it('validates only the changed fields of an edit', () => {
    expect(validateLead({ status: 'qualified' }, 'update')).toEqual({ ok: true, values: { status: 'qualified' } });
    const bad = validateLead({ status: 'won', score: '7.5' }, 'update');
    expect(bad.ok ? {} : Object.keys(bad.errors).sort()).toEqual(['score', 'status']);
  });
});

describe('lead writes through the local view', () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = await openLocalStore();
    await seedSyncedLeads(pg, 3);
  });
  afterAll(async () => {
    await pg.close();
  });

  it('creates a lead locally with its defaults and queues the whole row', async () => {
    const id = await createLead(pg, { name: 'Bo', email: 'bo@example.test' });
    const row = (await pg.query('SELECT name, email, status, score, local_state FROM leads WHERE id = $1', [id])).rows[0];
    expect(row).toEqual({ name: 'Bo', email: 'bo@example.test', status: 'new', score: 0, local_state: 'pending' });
    const out = (await pg.query<{ op: string; values: Record<string, unknown> }>('SELECT op, "values" FROM outbox WHERE row_id = $1', [id])).rows;
    expect(out).toEqual([{ op: 'insert', values: expect.objectContaining({ id, name: 'Bo', status: 'new', score: 0, custom: {} }) }]);
  });

  it('writes only the fields given, so another device keeps its edits of the others', async () => {
    const { id, phone } = (await pg.query<{ id: string; phone: string }>('SELECT id, phone FROM leads_synced ORDER BY name LIMIT 1')).rows[0]!;
    await updateLead(pg, id, { status: 'contacted', notes: 'called back' });
    const [entry] = (await pg.query<{ values: Record<string, unknown>; base: Record<string, unknown> }>(`SELECT "values", base FROM outbox WHERE row_id = $1`, [id])).rows;
    expect(entry?.values).toEqual({ status: 'contacted', notes: 'called back' });
    expect(entry?.base).toEqual({ status: 'new', notes: null });
    expect((await pg.query('SELECT phone, status FROM leads WHERE id = $1', [id])).rows[0]).toEqual({ phone, status: 'contacted' });
    // Nothing to write, nothing queued.
    await updateLead(pg, id, {});
    expect((await pg.query('SELECT 1 FROM outbox WHERE row_id = $1', [id])).rows).toHaveLength(1);
  });
});
