import { sql, type SQL } from 'drizzle-orm';
import type { ResolvedShape } from '@streamflow/shapes';
import type { Database } from '../db/types.ts';
import { READ_SETTINGS, messageKey, valueJson } from './row-sql.ts';
import { bindWhere, ident, identLiteral } from './sql-bind.ts';

interface EntryRow extends Record<string, unknown> {
  lsn: string;
  xid: string;
  op: string;
  pk: string;
  om: boolean;
  nm: boolean;
  nv: string | null;
}

/** The messages of a shape between two watermarks, or a must-refetch. */
export type LogRead = { kind: 'messages'; json: string[]; lastLsn: bigint | null } | { kind: 'refetch'; reason: 'offset_pruned' | 'dependency_moved' };

/** The tenant filter on log entries; null only for the trusted upstream mode (its WHERE decides). */
export const orgFilter = (orgId: string | null): SQL => (orgId === null ? sql`true` : sql`l.org_id = ${orgId}`);

/** Does the row (old or new image of a log entry) match the shape's WHERE? Evaluated in SQL. */
export function matches(shape: { table: string; where: string; params: readonly string[] }, image: SQL): SQL {
  return sql`(${image} is not null and exists (select 1 from jsonb_populate_record(null::public.${ident(shape.table)}, ${image})
    as ${ident(shape.table)} where ${bindWhere(shape.where, shape.params)}))`;
}

/**
 * Reads the change log for one shape over the commits in (from, to], in
 * commit order. Each entry's old and new row are tested against the shape's
 * WHERE in SQL with the shape's bound parameters: a row that starts matching
 * is an insert, one that stops matching a delete (move-in / move-out).
 * Runs as the owner; the tenant filter is explicit (`org_id = orgId`).
 */
export async function readLog(
  db: Database,
  shape: ResolvedShape,
  orgId: string | null,
  from: bigint,
  to: bigint,
  /** NOT NULL jsonb columns: their text comes from the logged image itself (see below). */
  jsonbColumns: readonly string[] = [],
): Promise<LogRead> {
  if (to <= from) return { kind: 'messages', json: [], lastLsn: null };
  return db.orm.transaction(async (tx) => {
    await db.rows(READ_SETTINGS, tx);
    // In the same snapshot as the read: retention deletes and moves the horizon in one transaction.
    const [state] = await db.rows<{ p: string }>(sql`select pruned_through_lsn::text as p from sync_state where id = 1`, tx);
    if (from < BigInt(state?.p ?? '0')) return { kind: 'refetch', reason: 'offset_pruned' } as const;
    if (shape.dependsOn && (await dependencyMoved(db, tx, shape, orgId, from, to))) return { kind: 'refetch', reason: 'dependency_moved' } as const;
    const t = ident(shape.table);
    // jsonb_populate_record turns a JSON null into SQL NULL, so a jsonb column holding `null`
    // would arrive as NULL (and a NOT NULL column as a client parse error): read those from
    // the image. (A nullable jsonb column cannot be told apart in to_jsonb(row): none is synced.)
    const textOf = new Map(jsonbColumns.map((c) => [c, sql`(l.new_row -> ${identLiteral(c)})::text`] as const));
    const rows = await db.rows<EntryRow>(
      sql`select c.lsn::text as lsn, l.xid::text as xid, l.op, l.pk,
          ${matches(shape, sql`l.old_row`)} as om, ${matches(shape, sql`l.new_row`)} as nm,
          (select ${valueJson('n', shape.columns, textOf)} from jsonb_populate_record(null::public.${t}, l.new_row) as n
            where l.new_row is not null) as nv
        from sync_commits c join sync_change_log l on l.xid = c.xid
        where c.lsn > ${from.toString()}::bigint and c.lsn <= ${to.toString()}::bigint
          and ${orgFilter(orgId)} and l.tbl = ${shape.table}
        order by c.lsn, l.seq`,
      tx,
    );
    return { kind: 'messages', ...toMessages(shape, rows) } as const;
  }, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

function toMessages(shape: ResolvedShape, rows: EntryRow[]): { json: string[]; lastLsn: bigint | null } {
  const relation = `["public","${shape.table}"]`;
  const pkCol = shape.primaryKey[0] ?? 'id';
  const kept: { row: EntryRow; op: 'insert' | 'update' | 'delete' }[] = [];
  for (const row of rows) {
    const op = row.om && row.nm ? 'update' : row.nm ? 'insert' : row.om ? 'delete' : null;
    if (op) kept.push({ row, op });
  }
  const json: string[] = [];
  let position = 0;
  for (let i = 0; i < kept.length; i++) {
    const { row, op } = kept[i] as (typeof kept)[number];
    const next = kept[i + 1];
    const last = !next || next.row.lsn !== row.lsn;
    const value = op === 'delete' || row.nv === null ? JSON.stringify({ [pkCol]: row.pk }) : row.nv;
    json.push(
      `{"key":${messageKey(shape.table, row.pk)},"value":${value},"headers":{"operation":"${op}","relation":${relation},` +
        `"txids":[${row.xid}],"lsn":"${row.lsn}","op_position":${position}${last ? ',"last":true' : ''}}}`,
    );
    position = last ? 0 : position + 1;
  }
  const tail = kept[kept.length - 1];
  return { json, lastLsn: tail ? BigInt(tail.row.lsn) : null };
}

/**
 * For shapes whose WHERE reads another table (a worker's customers through
 * their work orders): did any change in (from, to] move a key into or out of
 * the dependency rows? Then the shape's rows changed without a log entry of
 * their own, and the client must refetch.
 */
export async function dependencyMoved(db: Database, tx: Parameters<Database['rows']>[1], shape: ResolvedShape, orgId: string | null, from: bigint, to: bigint): Promise<boolean> {
  const dep = shape.dependsOn;
  if (!dep) return false;
  const t = ident(dep.table);
  const keyOf = (image: SQL) => sql`(select ${ident(dep.key)}::text from jsonb_populate_record(null::public.${t}, ${image}) as ${t}
    where ${image} is not null and ${bindWhere(dep.where, shape.params)})`;
  const rows = await db.rows(
    sql`select 1 from sync_commits c join sync_change_log l on l.xid = c.xid
      where c.lsn > ${from.toString()}::bigint and c.lsn <= ${to.toString()}::bigint
        and ${orgFilter(orgId)} and l.tbl = ${dep.table}
        and ${keyOf(sql`l.old_row`)} is distinct from ${keyOf(sql`l.new_row`)}
      limit 1`,
    tx,
  );
  return rows.length > 0;
}
