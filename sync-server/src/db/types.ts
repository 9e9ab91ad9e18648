import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from '@streamflow/schema';

/** Drizzle over either engine: PGlite (embedded) or Postgres (postgres.js). */
export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A transaction handle; it has the same query API as `Orm`. */
export type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0];

/** Anything that can run a query: the database or a transaction. */
export type Executor = Orm | Tx;

export type DbKind = 'pglite' | 'postgres';

export interface RowsOptions {
  /** Prepare the statement once per connection (Postgres; PGlite has no round trips to save). */
  prepare?: boolean;
}

export interface Database {
  readonly kind: DbKind;
  readonly orm: Orm;
  /** The connection URL (Postgres only), for work that needs its own session such as migrations. */
  readonly url?: string;
  /**
   * Runs raw SQL (built with drizzle's `sql` tag) and returns its rows. With
   * `prepare`, Postgres keeps the statement prepared per connection: drizzle
   * sends every other parameterised statement unnamed, which costs postgres.js
   * an extra round trip (Parse/Describe, then Bind/Execute). Only for SQL whose
   * text does not vary with the data (a server keeps every prepared variant).
   */
  rows<T extends Record<string, unknown>>(query: SQL, ex?: Executor, opts?: RowsOptions): Promise<T[]>;
  /**
   * Bulk-loads CSV rows with `COPY ... FROM` (about 40x faster than one
   * INSERT per row). Runs as the owner: callers scope `org_id` themselves.
   */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
  /** Closes the connection (and releases the data-folder lock for PGlite). Always await it. */
  close(): Promise<void>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** The `COPY` statement for a table and columns; identifiers are checked, never interpolated raw. */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!IDENT.test(name)) throw new Error(`copyCsv: bad identifier ${JSON.stringify(name)}`);
  }
  const cols = columns.map((c) => `"${c}"`).join(', ');
  return `COPY "${table}" (${cols}) FROM ${source} WITH (FORMAT csv)`;
}

/** Normalises the two drivers' raw results: postgres.js returns an array, PGlite `{ rows }`. */
export async function executeRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await ex.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}
