/*
 * Windowed reads of a local table that stay fast at 100k rows.
 *
 * The view `<t>` (local-db/ddl.ts) overlays `<t>_local` on `<t>_synced` with
 * a FULL JOIN and a CASE per column, so an `ORDER BY ... LIMIT` on it sorts
 * the whole table (about 35 ms for 100k leads in PGlite) and a filter on it
 * can use no index. These builders read the same rows as the view, in two
 * branches: synced rows without a local change (plain columns, so the
 * indexes on `<t>_synced` serve filters and order), and the few locally
 * changed rows (overlaid exactly as the view does). Each branch is ordered
 * and limited on its own, then merged: a window costs about its own size.
 *
 * Filters are SQL over the alias `b` and the selected columns
 * (`b.status = $1`); they are applied inside each branch. Parameters are
 * positional, as in `pg.query`. Live queries inline them with format(), so
 * the SQL never contains a literal percent sign.
 */

const q = (ident: string) => `"${ident}"`;

export interface OverlaySource {
  /** The view's name: `<table>_synced` and `<table>_local` are read. */
  table: string;
  /** The columns to select; `id` first. */
  columns: readonly string[];
  /**
   * A row made on this device has no `created_at` until the server's copy
   * arrives (the server sets it): use the time its insert was queued in the
   * outbox instead, so new rows sort by when they were made, not at random.
   */
  pendingCreatedAt?: boolean;
}

export interface OrderKey {
  column: string;
  desc?: boolean;
}

/** The synced rows that have no local change, with the view's columns. */
function syncedBranch(src: OverlaySource): string {
  const cols = src.columns.map((c) => `s.${q(c)}`).join(', ');
  return `SELECT ${cols}, NULL::text AS "local_state" FROM ${q(`${src.table}_synced`)} s
     WHERE NOT EXISTS (SELECT 1 FROM ${q(`${src.table}_local`)} l WHERE l."id" = s."id")`;
}

/** The locally changed rows, overlaid on their synced row as the view does. */
function localBranch(src: OverlaySource): string {
  const overlaid = (c: string) => `CASE WHEN '${c}' = ANY(l."changed_columns") THEN l.${q(c)} ELSE s.${q(c)} END`;
  const cols = src.columns
    .map((c) => {
      if (c === 'id') return `l."id"`;
      if (c === 'created_at' && src.pendingCreatedAt) {
        return `COALESCE(${overlaid(c)}, (SELECT min(o."created_at") FROM "outbox" o WHERE o."table_name" = '${src.table}' AND o."row_id" = l."id")) AS ${q(c)}`;
      }
      return `${overlaid(c)} AS ${q(c)}`;
    })
    .join(', ');
  return `SELECT ${cols}, l."local_state" FROM ${q(`${src.table}_local`)} l
     LEFT JOIN ${q(`${src.table}_synced`)} s ON s."id" = l."id" WHERE NOT l."is_deleted"`;
}

const orderBy = (order: readonly OrderKey[]) => order.map((o) => `b.${q(o.column)}${o.desc ? ' DESC' : ''}`).join(', ');
const filter = (where: string | undefined) => (where ? ` WHERE ${where}` : '');

/**
 * Rows `offset .. offset+limit` of the view `src.table` filtered by `where`
 * in `order` (make the last key unique, e.g. `id`, for a stable window).
 * Returns the selected columns plus `local_state`.
 */
export function overlayWindowSql(src: OverlaySource, opts: { where?: string; order: readonly OrderKey[]; limit: number; offset: number }): string {
  const limit = Math.max(0, Math.floor(opts.limit));
  const offset = Math.max(0, Math.floor(opts.offset));
  const ob = orderBy(opts.order);
  const branch = (sql: string) => `(SELECT * FROM (${sql}) b${filter(opts.where)} ORDER BY ${ob} LIMIT ${offset + limit})`;
  return `SELECT * FROM (${branch(syncedBranch(src))} UNION ALL ${branch(localBranch(src))}) b ORDER BY ${ob} LIMIT ${limit} OFFSET ${offset}`;
}

/** The number of rows of the view `src.table` that match `where`, as `n`. */
export function overlayCountSql(src: OverlaySource, where?: string): string {
  const count = (sql: string) => `(SELECT count(*) FROM (${sql}) b${filter(where)})`;
  return `SELECT (${count(syncedBranch(src))} + ${count(localBranch(src))})::int AS n`;
}

/** Unordered rows of the view matching `where` (e.g. a lookup by id or a dedupe probe), at most `limit`. */
export function overlaySelectSql(src: OverlaySource, where: string, limit: number): string {
  return `SELECT * FROM (SELECT * FROM (${syncedBranch(src)}) b WHERE ${where} UNION ALL SELECT * FROM (${localBranch(src)}) b WHERE ${where}) b LIMIT ${Math.max(1, Math.floor(limit))}`;
}

/**
 * Refreshes the planner's statistics of `<table>_synced` when they are far
 * from its size (PGlite runs no autovacuum, so a table filled by one big
 * sync has none: the planner then takes a filter like `status = $1` for 0.5%
 * of the rows and sorts a quarter of 100k instead of walking the name index).
 * Returns whether it ran ANALYZE.
 */
export async function analyzeIfStale(pg: { query: <T>(sql: string, params?: unknown[]) => Promise<{ rows: T[] }>; exec: (sql: string) => Promise<unknown> }, table: string, rows: number): Promise<boolean> {
  if (rows < 1000) return false;
  const res = await pg.query<{ reltuples: number }>('SELECT reltuples FROM pg_class WHERE oid = $1::regclass', [`${table}_synced`]);
  const estimate = Number(res.rows[0]?.reltuples ?? -1);
  if (estimate >= rows / 2 && estimate <= rows * 2) return false;
  await pg.exec(`ANALYZE ${q(`${table}_synced`)}`);
  return true;
}
