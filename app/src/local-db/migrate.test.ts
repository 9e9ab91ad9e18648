import { readdirSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyClientMigrations } from './migrate.ts';

/** migrations/client/*.sql as the worker's `import.meta.glob(..., { query: '?raw', eager: true })` gives them. */
const DIR = new URL('../../../migrations/client/', import.meta.url);
const FILES = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => [`../../../migrations/client/${f}`, readFileSync(new URL(f, DIR), 'utf8')]),
);

describe('client migrations at start', () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = await PGlite.create();
  });
  afterAll(async () => {
    await pg.close();
  });

  it('applies every file once, in name order, and records it', async () => {
    const applied = await applyClientMigrations(pg, FILES);
    expect(applied).toEqual(Object.keys(FILES).map((p) => p.split('/').pop()).sort());
    expect(applied).toContain('0001_local_store.sql');
    const recorded = await pg.query<{ name: string }>('select name from local_migrations order by name');
    expect(recorded.rows.map((r) => r.name)).toEqual(applied);
    // The store is there: synced tables, overlays, views, outbox.
    for (const rel of ['leads_synced', 'leads_local', 'leads', 'outbox', 'local_meta', 'work_orders_synced']) {
      expect((await pg.query('select to_regclass($1) as r', [rel])).rows[0]).toEqual({ r: rel });
    }
  });

  it('is a no-op on the next start and keeps local data and the device id', async () => {
    const clientId = (await pg.query<{ value: string }>(`select value from local_meta where key = 'client_id'`)).rows[0]?.value;
    await pg.query(`insert into leads (name, status) values ('Kept across starts', 'new')`);
    expect(await applyClientMigrations(pg, FILES)).toEqual([]);
    expect((await pg.query(`select name from leads`)).rows).toEqual([{ name: 'Kept across starts' }]);
    expect((await pg.query<{ n: number }>(`select count(*)::int as n from outbox`)).rows[0]?.n).toBe(1);
    expect((await pg.query<{ value: string }>(`select value from local_meta where key = 'client_id'`)).rows[0]?.value).toBe(clientId);
  });

  it('applies a later file alone, and a failing file leaves nothing half-applied', async () => {
    const later = { ...FILES, '../../../migrations/client/0002_extra.sql': 'CREATE TABLE IF NOT EXISTS local_extra (id int PRIMARY KEY);' };
    expect(await applyClientMigrations(pg, later)).toEqual(['0002_extra.sql']);
    const broken = { ...later, '../../../migrations/client/0003_broken.sql': 'CREATE TABLE local_half (id int); SELECT no_such_function();' };
    await expect(applyClientMigrations(pg, broken)).rejects.toThrow();
    expect((await pg.query('select to_regclass($1) as r', ['local_half'])).rows[0]).toEqual({ r: null });
    expect((await pg.query<{ name: string }>('select name from local_migrations order by name')).rows.map((r) => r.name)).toEqual([
      '0001_local_store.sql',
      '0002_extra.sql',
    ]);
  });
});
