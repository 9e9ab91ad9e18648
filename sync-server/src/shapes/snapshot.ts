import { sql } from 'drizzle-orm';
import type { ResolvedShape } from '@streamflow/shapes';
import type { Database } from '../db/types.ts';
import { READ_SETTINGS, keyPrefix, valueJson } from './row-sql.ts';
import { bindWhere, ident } from './sql-bind.ts';

export interface Snapshot {
  /** Every commit with lsn <= watermark is in the rows, none above. */
  watermark: bigint;
  prunedThrough: bigint;
  /** One insert message (JSON text) per row. */
  json: string[];
}

/**
 * The initial rows of a shape and the watermark they were taken at, in one
 * REPEATABLE READ transaction (one MVCC snapshot). Because visible lsns form
 * a prefix, the rows contain exactly the commits up to the watermark, so the
 * log strictly after it continues without a gap or a duplicate. The rows are
 * read as the app role with the tenant set: row-level security backs up the
 * shape's own `org_id = $1`.
 */
export async function takeSnapshot(db: Database, shape: ResolvedShape, orgId: string | null): Promise<Snapshot> {
  return db.orm.transaction(
    async (tx) => {
      await db.rows(READ_SETTINGS, tx);
      const [w] = await db.rows<{ w: string; p: string }>(
        sql`select coalesce((select max(lsn) from sync_commits), 0)::text as w,
          (select pruned_through_lsn from sync_state where id = 1)::text as p`,
        tx,
      );
      if (orgId !== null) {
        await db.rows(sql`select set_config('app.org_id', ${orgId}, true), set_config('role', 'streamflow_app', true)`, tx);
      }
      const t = ident(shape.table);
      const head = JSON.stringify(keyPrefix(shape.table)).slice(0, -1);
      const headers = `,"headers":{"operation":"insert","relation":["public","${shape.table}"]}}`;
      const rows = await db.rows<{ m: string }>(
        sql`select '{"key":' || ${head} || '\\"' || ${t}.${ident(shape.primaryKey[0] ?? 'id')}::text || '\\""'
            || ',"value":' || ${valueJson(shape.table, shape.columns)} || ${headers} as m
          from public.${t} as ${t} where ${bindWhere(shape.where, shape.params)}`,
        tx,
      );
      return { watermark: BigInt(w?.w ?? '0'), prunedThrough: BigInt(w?.p ?? '0'), json: rows.map((r) => r.m) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
