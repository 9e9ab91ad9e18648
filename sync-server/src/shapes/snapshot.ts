import { sql, type SQL } from 'drizzle-orm';
import type { ResolvedShape } from '@streamflow/shapes';
import type { Database } from '../db/types.ts';
import { dependencyMoved, matches, orgFilter } from './log-reader.ts';
import { READ_SETTINGS, keyPrefix, messageKey, valueJson } from './row-sql.ts';
import { bindWhere, ident } from './sql-bind.ts';

type Tx = Parameters<Database['rows']>[1];

export type SnapshotChunk =
  | {
      kind: 'rows';
      /** The rows (and changes) are as of this lsn: every commit up to it, none above. */
      watermark: bigint;
      prunedThrough: bigint;
      /** Messages as JSON text (an element may hold several, comma-joined): changes to rows sent before, then the next rows in key order. */
      json: string[];
      /** The key of the last row sent, when more rows follow; null when the snapshot is complete. */
      lastKey: string | null;
    }
  | { kind: 'refetch'; reason: 'offset_pruned' | 'dependency_moved' };

/** Where a continued snapshot stands: rows with key <= `after` were sent as they were at `lsn`. */
export interface SnapshotPosition {
  lsn: bigint;
  after: string;
}

/**
 * One chunk of a shape's first snapshot, in one REPEATABLE READ transaction
 * (one MVCC snapshot at watermark W; visible lsns form a prefix, so the rows
 * hold exactly the commits <= W).
 *
 * The first chunk is the first `limit` rows in primary-key order. A later
 * chunk continues from a position (lsn L, key K): the client holds the rows
 * with key <= K as they were at L. The chunk brings those up to W (for each
 * key changed in (L, W] in the change log: insert, update or delete, by
 * whether the row matched the shape at L and matches it now), then adds the
 * next rows after K as they are at W. So after every chunk the client holds
 * exactly the shape's rows with key <= the new K as of W, and after the last
 * one the whole shape as of W: the log strictly after W follows without a gap
 * or a duplicate. No state is kept between requests, so any instance can
 * serve any chunk. Snapshot messages carry no lsn: pglite-sync applies them
 * all with the snapshot's closing up-to-date (docs/sync.md).
 *
 * Rows are read as the app role with the tenant set, so row-level security
 * backs up the shape's own `org_id = $1`.
 */
export async function takeSnapshotChunk(
  db: Database,
  shape: ResolvedShape,
  orgId: string | null,
  opts: { limit: number; from?: SnapshotPosition },
): Promise<SnapshotChunk> {
  return db.orm.transaction(
    async (tx) => {
      await db.rows(READ_SETTINGS, tx);
      const [state] = await db.rows<{ w: string; p: string }>(
        sql`select coalesce((select max(lsn) from sync_commits), 0)::text as w,
          (select pruned_through_lsn from sync_state where id = 1)::text as p`,
        tx,
      );
      const watermark = BigInt(state?.w ?? '0');
      const prunedThrough = BigInt(state?.p ?? '0');
      let changed: Changed[] = [];
      if (opts.from) {
        const from = opts.from.lsn;
        if (from < prunedThrough) return { kind: 'refetch', reason: 'offset_pruned' } as const;
        if (shape.dependsOn && (await dependencyMoved(db, tx, shape, orgId, from, watermark))) return { kind: 'refetch', reason: 'dependency_moved' } as const;
        changed = await changedKeys(db, tx, shape, orgId, from, watermark, opts.from.after);
      }
      // The log is read as the owner; the rows as the app role, inside row-level security.
      if (orgId !== null) await db.rows(sql`select set_config('app.org_id', ${orgId}, true), set_config('role', 'streamflow_app', true)`, tx);
      const json = changed.length > 0 ? await changeMessages(db, tx, shape, changed) : [];
      const after = opts.from ? sql` and ${keyColumn(shape)} > ${opts.from.after}::uuid` : sql``;
      // Walk the (org_id, id) index in key order and stop after the chunk. Without table statistics (PGlite
      // never runs autovacuum) the planner would rather sort every remaining row of the tenant, once per chunk.
      // The penalty that disables the sort inflates the plan's cost, which would make Postgres JIT-compile
      // the query (~0.7 s per chunk): no JIT for it.
      await db.rows(sql`select set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`, tx);
      const where = sql`(${bindWhere(shape.where, shape.params)})${after}`;
      // The next rows in key order, joined into one text per 1,000 rows inside the database:
      // ten values to decode per chunk instead of 10,000 (a third less server CPU on 100k leads).
      const groups = await db.rows<{ body: string; last: string; n: number }>(
        sql`select string_agg(m, ',' order by k) as body, max(k::text) as last, count(*)::int as n
          from (select k, m, (row_number() over (order by k) - 1) / 1000 as g
            from (select ${keyColumn(shape)} as k, ${insertMessage(shape)} as m
              from public.${ident(shape.table)} as ${ident(shape.table)} where ${where}
              order by ${keyColumn(shape)} limit ${opts.limit}) as page) as numbered
          group by g order by g`,
        tx,
      );
      let sent = 0;
      for (const g of groups) {
        json.push(g.body);
        sent += g.n;
      }
      const last = groups.at(-1)?.last ?? null;
      const more =
        last !== null &&
        sent >= opts.limit &&
        (await db.rows(sql`select 1 from public.${ident(shape.table)} as ${ident(shape.table)}
          where (${bindWhere(shape.where, shape.params)}) and ${keyColumn(shape)} > ${last}::uuid limit 1`, tx)).length > 0;
      return { kind: 'rows', watermark, prunedThrough, json, lastKey: more ? last : null } as const;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

interface Changed extends Record<string, unknown> {
  pk: string;
  /** Did the row match the shape at the position's lsn (its image before its first change)? */
  was: boolean;
}

const keyColumn = (shape: ResolvedShape): SQL => sql`${ident(shape.table)}.${ident(shape.primaryKey[0] ?? 'id')}`;

/** An insert message built in SQL: key, the row's text values, snapshot headers (no lsn). */
function insertMessage(shape: ResolvedShape): SQL {
  const head = JSON.stringify(keyPrefix(shape.table)).slice(0, -1);
  const headers = `,"headers":{"operation":"insert","relation":["public","${shape.table}"]}}`;
  return sql`'{"key":' || ${head} || '\\"' || ${keyColumn(shape)}::text || '\\""' || ',"value":' || ${valueJson(shape.table, shape.columns)} || ${headers}`;
}

/** Keys at or below `upTo` with an entry in (from, to], and whether each row matched the shape before its first one. */
async function changedKeys(db: Database, tx: Tx, shape: ResolvedShape, orgId: string | null, from: bigint, to: bigint, upTo: string): Promise<Changed[]> {
  if (to <= from) return [];
  return db.rows<Changed>(
    sql`select distinct on (l.pk) l.pk, ${matches(shape, sql`l.old_row`)} as was
      from sync_commits c join sync_change_log l on l.xid = c.xid
      where c.lsn > ${from.toString()}::bigint and c.lsn <= ${to.toString()}::bigint
        and ${orgFilter(orgId)} and l.tbl = ${shape.table} and l.pk::uuid <= ${upTo}::uuid
      order by l.pk, c.lsn, l.seq`,
    tx,
  );
}

/** The changed keys' rows as they are now: insert (new to the shape), update, or delete (gone from it). */
async function changeMessages(db: Database, tx: Tx, shape: ResolvedShape, changed: Changed[]): Promise<string[]> {
  const now = await db.rows<{ k: string; v: string }>(
    sql`select ${keyColumn(shape)}::text as k, ${valueJson(shape.table, shape.columns)} as v
      from public.${ident(shape.table)} as ${ident(shape.table)}
      where (${bindWhere(shape.where, shape.params)}) and ${keyColumn(shape)} = any(${`{${changed.map((c) => c.pk).join(',')}}`}::uuid[])`,
    tx,
  );
  const value = new Map(now.map((r) => [r.k, r.v]));
  const relation = `["public","${shape.table}"]`;
  const pkCol = shape.primaryKey[0] ?? 'id';
  const out: string[] = [];
  for (const { pk, was } of changed) {
    const v = value.get(pk);
    const op = v !== undefined ? (was ? 'update' : 'insert') : was ? 'delete' : null;
    if (!op) continue;
    out.push(`{"key":${messageKey(shape.table, pk)},"value":${v ?? JSON.stringify({ [pkCol]: pk })},"headers":{"operation":"${op}","relation":${relation}}}`);
  }
  return out;
}
