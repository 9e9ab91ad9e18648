import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { CSV_SAFE_TYPES, SHAPES, resolveShape } from '@streamflow/shapes';
import { DEFAULT_ROLES } from '@streamflow/schema';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { createSchemaCache } from './electric-schema.ts';

/**
 * Every table a shape reads is captured by the change log, and every column
 * a shape sends fits what the engine and the client's csv load can carry
 * exactly (shapes/src/local-store.ts, log-reader.ts).
 */
export function syncedTablesSuite(engine: TestEngine) {
  let db: Database;
  const tables = [...new Set(Object.values(SHAPES).map((s) => s.table))].sort();

  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('has insert, update and delete capture triggers on every synced table', async () => {
    const rows = await db.rows<{ tbl: string; tgname: string }>(sql`
      select c.relname::text as tbl, t.tgname::text as tgname from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where not t.tgisinternal and t.tgname like 'sync_capture_%'`);
    const found = (t: string) => rows.filter((r) => r.tbl === t).map((r) => r.tgname).sort();
    for (const t of tables) expect({ t, triggers: found(t) }).toEqual({ t, triggers: ['sync_capture_delete', 'sync_capture_insert', 'sync_capture_update'] });
  });

  it('keys every synced table by a uuid id with an (org_id, id) index, the order snapshot chunks follow', async () => {
    const schemas = createSchemaCache(db);
    const indexed = await db.rows<{ tbl: string }>(sql`
      select c.relname::text as tbl from pg_index i join pg_class c on c.oid = i.indrelid
      where (select array_agg(a.attname::text order by k.n) from unnest(i.indkey::int2[]) with ordinality as k(attnum, n)
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum) = array['org_id', 'id']`);
    for (const t of tables) {
      const cols = await schemas.columns(t);
      const keys = Object.entries(cols).filter(([, c]) => c.pk_index !== undefined).map(([n, c]) => [n, c.type]);
      expect({ t, keys, keyset: indexed.some((r) => r.tbl === t) }).toEqual({ t, keys: [['id', 'uuid']], keyset: true });
    }
  });

  it('sends only column types the csv load keeps exact: no arrays, no json, no nullable jsonb', async () => {
    const schemas = createSchemaCache(db);
    const perms = new Set(DEFAULT_ROLES.owner.permissions);
    for (const name of Object.keys(SHAPES)) {
      const shape = resolveShape(name, { orgId: 'o', userId: 'u', perms });
      if (typeof shape === 'string') throw new Error(`${name}: ${shape}`);
      const cols = await schemas.columns(shape.table);
      for (const c of shape.columns) {
        const col = cols[c];
        const odd = !col || col.dims !== undefined || !CSV_SAFE_TYPES.has(col.type) || col.type === 'json' || (col.type === 'jsonb' && !col.not_null);
        expect({ shape: name, column: c, odd }).toEqual({ shape: name, column: c, odd: false });
      }
    }
  });

  it('describes types for electric-schema from the catalog: arrays as element type with dims, pk_index, not_null', async () => {
    await db.rows(sql`create table schema_probe (a int4 not null, b uuid, tags text[] not null, grid int4[][], primary key (b, a))`);
    const cols = await createSchemaCache(db).columns('schema_probe');
    expect(cols).toEqual({
      a: { type: 'int4', pk_index: 1, not_null: true },
      b: { type: 'uuid', pk_index: 0, not_null: true },
      tags: { type: 'text', not_null: true, dims: 1 },
      grid: { type: 'int4', dims: 2 },
    });
    expect(JSON.parse(await createSchemaCache(db).header('schema_probe', ['grid', 'b']))).toEqual({ grid: { type: 'int4', dims: 2 }, b: { type: 'uuid', pk_index: 0, not_null: true } });
    await db.rows(sql`drop table schema_probe`);
  });
}
