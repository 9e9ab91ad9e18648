import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientDdl, clientSchemaSql } from './ddl.ts';

const SQL_FILE = new URL('../../../migrations/client/0001_local_store.sql', import.meta.url);

interface Outbox {
  mutation_id: string;
  op: string;
  row_id: string;
  values: Record<string, unknown>;
  base: Record<string, unknown>;
  hlc: string;
}

describe('local store (synced ⊕ local overlay with outbox)', () => {
  let pg: PGlite;
  const leadId = '00000000-0000-4000-8000-000000000001';
  const outbox = async () => (await pg.query<Outbox>('select * from outbox order by seq')).rows;

  beforeAll(async () => {
    pg = await PGlite.create();
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    await pg.query(
      `insert into leads_synced (id, org_id, created_at, updated_at, name, email, phone, status, score, custom)
       values ($1, 'org-a', now(), '2026-11-01T10:00:00Z', 'Ada', 'ada@x.test', '111', 'new', 10, '{}')`,
      [leadId],
    );
  });
  afterAll(async () => {
    await pg.close();
  });

  it('keeps migrations/client in step with the schema', () => {
    expect(readFileSync(SQL_FILE, 'utf8')).toBe(clientSchemaSql());
  });

  it('reads synced rows through the view', async () => {
    const { rows } = await pg.query<{ name: string; local_state: string | null }>('select name, local_state from leads');
    expect(rows).toEqual([{ name: 'Ada', local_state: null }]);
  });

  it('turns an update of the view into a local overlay and one outbox entry with the base', async () => {
    await pg.query(`update leads set phone = '222', status = 'contacted' where id = $1`, [leadId]);
    const { rows } = await pg.query<{ phone: string; status: string; email: string; local_state: string }>(
      'select phone, status, email, local_state from leads',
    );
    expect(rows).toEqual([{ phone: '222', status: 'contacted', email: 'ada@x.test', local_state: 'pending' }]);
    const [entry] = await outbox();
    expect(entry).toMatchObject({ op: 'update', row_id: leadId, values: { phone: '222', status: 'contacted' }, base: { phone: '111', status: 'new' } });
    expect(entry?.hlc).toMatch(/^\d{15}:\d{4}:[0-9a-f-]{36}$/);
    // The synced table is untouched: only pglite-sync writes it.
    const synced = await pg.query<{ phone: string }>('select phone from leads_synced');
    expect(synced.rows[0]?.phone).toBe('111');
  });

  it('does not queue an update that changes nothing', async () => {
    const before = (await outbox()).length;
    await pg.query(`update leads set phone = '222' where id = $1`, [leadId]);
    expect(await outbox()).toHaveLength(before);
  });

  it('bases a second offline edit of a field on the first', async () => {
    await pg.query(`update leads set phone = '333' where id = $1`, [leadId]);
    const last = (await outbox()).at(-1);
    expect(last).toMatchObject({ values: { phone: '333' }, base: { phone: '222' } });
    await pg.query(`update leads set phone = '222' where id = $1`, [leadId]);
    await pg.query(`delete from outbox where "values" = '{"phone": "333"}' or "values" = '{"phone": "222"}' and base = '{"phone": "333"}'`);
  });

  it('clears the overlay only when the synced row returns with the latest mutation id', async () => {
    await pg.query(`update leads set name = 'Ada L.' where id = $1`, [leadId]);
    const entries = await outbox();
    const first = entries[0]?.mutation_id;
    const latest = entries.at(-1)?.mutation_id;
    // The server row for the first mutation arrives: the later local edit stays visible.
    await pg.query(`update leads_synced set phone = '222', status = 'contacted', write_id = $2 where id = $1`, [leadId, first]);
    expect((await pg.query<{ name: string }>('select name from leads')).rows[0]?.name).toBe('Ada L.');
    await pg.query(`update leads_synced set name = 'Ada L.', write_id = $2 where id = $1`, [leadId, latest]);
    expect((await pg.query('select * from leads_local')).rows).toEqual([]);
    expect((await pg.query<{ name: string; local_state: string | null }>('select name, local_state from leads')).rows).toEqual([
      { name: 'Ada L.', local_state: null },
    ]);
  });

  it('inserts through the view with a client-made id and queues the whole row', async () => {
    await pg.query('delete from outbox');
    const { rows } = await pg.query<{ id: string }>(`insert into leads (name, status, score, custom) values ('Bo', 'new', 0, '{}') returning id`);
    const id = rows[0]?.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [entry] = await outbox();
    expect(entry).toMatchObject({ op: 'insert', row_id: id, values: { id, name: 'Bo', status: 'new', score: 0 } });
    expect(entry?.values).not.toHaveProperty('org_id');
    expect((await pg.query('select name from leads order by name')).rows).toEqual([{ name: 'Ada L.' }, { name: 'Bo' }]);
  });

  it('deleting a row that never reached the server forgets it and its queued insert', async () => {
    await pg.query(`delete from leads where name = 'Bo'`);
    expect(await outbox()).toEqual([]);
    expect((await pg.query('select name from leads')).rows).toEqual([{ name: 'Ada L.' }]);
  });

  it('deleting a synced row hides it and queues a delete with the last seen updated_at', async () => {
    await pg.query('delete from leads where id = $1', [leadId]);
    expect((await pg.query('select id from leads')).rows).toEqual([]);
    const [entry] = await outbox();
    expect(entry).toMatchObject({ op: 'delete', row_id: leadId });
    expect(String(entry?.base.updated_at)).toMatch(/^2026-11-01T10:00:00/);
  });

  it('survives the synced table being emptied by a must-refetch', async () => {
    await pg.query(`update leads_local set is_deleted = false, changed_columns = '{notes}', notes = 'kept' where id = $1`, [leadId]);
    await pg.query('delete from outbox');
    await pg.query('delete from leads_synced');
    const { rows } = await pg.query<{ id: string; notes: string }>('select id, notes from leads');
    expect(rows).toEqual([{ id: leadId, notes: 'kept' }]);
  });
});
