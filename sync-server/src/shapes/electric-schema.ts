import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';

interface ColumnRow extends Record<string, unknown> {
  name: string;
  typname: string;
  elem: string | null;
  dims: number;
  not_null: boolean;
  pk_index: number | null;
}

export interface ColumnSchema {
  type: string;
  pk_index?: number;
  not_null?: boolean;
  dims?: number;
}

/**
 * The `electric-schema` header of a shape: each column's Postgres type name
 * (`int4`, `timestamptz`, ...), arrays as their element type with `dims`,
 * primary-key position and not-null. Read from the catalog once per table
 * and cached for the life of the engine (a schema change means a deploy).
 */
export function createSchemaCache(db: Database) {
  const cache = new Map<string, Promise<Record<string, ColumnSchema>>>();

  async function load(table: string): Promise<Record<string, ColumnSchema>> {
    const rows = await db.rows<ColumnRow>(sql`
      select a.attname::text as name, t.typname::text as typname,
             case when t.typcategory = 'A' then et.typname::text end as elem,
             greatest(a.attndims, case when t.typcategory = 'A' then 1 else 0 end)::int as dims,
             a.attnotnull as not_null,
             (select array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) from pg_index i
               where i.indrelid = a.attrelid and i.indisprimary) as pk_index
      from pg_attribute a
      join pg_type t on t.oid = a.atttypid
      left join pg_type et on et.oid = t.typelem
      where a.attrelid = ${`public.${table}`}::regclass and a.attnum > 0 and not a.attisdropped
      order by a.attnum`);
    const out: Record<string, ColumnSchema> = {};
    for (const r of rows) {
      const col: ColumnSchema = { type: r.elem ?? r.typname };
      if (r.pk_index !== null && r.pk_index !== undefined) col.pk_index = Number(r.pk_index);
      if (r.not_null) col.not_null = true;
      if (r.elem) col.dims = Number(r.dims);
      out[r.name] = col;
    }
    return out;
  }

  function columnsOf(table: string): Promise<Record<string, ColumnSchema>> {
    let p = cache.get(table);
    if (!p) {
      p = load(table);
      cache.set(table, p);
      p.catch(() => cache.delete(table));
    }
    return p;
  }

  return {
    /** Every column of a table with its type, not-null and primary-key position. */
    columns: columnsOf,
    /** The header value for a table restricted to the shape's columns. */
    async header(table: string, columns: readonly string[]): Promise<string> {
      const all = await columnsOf(table);
      const picked: Record<string, ColumnSchema> = {};
      for (const c of columns) {
        const s = all[c];
        if (s) picked[c] = s;
      }
      return JSON.stringify(picked);
    },
  };
}

export type SchemaCache = ReturnType<typeof createSchemaCache>;
