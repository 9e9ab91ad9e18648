import postgres, { type Sql } from 'postgres';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import * as schema from '@streamflow/schema';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyStatement, executeRows, type Database, type Executor, type Orm, type RowsOptions } from './types.ts';

const dialect = new PgDialect();

/**
 * The postgres.js connection behind a drizzle handle: the pool for the
 * database itself, the transaction's own connection for a transaction
 * (drizzle keeps it on its session; the database suite covers both).
 */
function connectionOf(ex: Executor, orm: Orm, client: Sql): Sql | undefined {
  if (ex === orm) return client;
  const c = (ex as unknown as { session?: { client?: unknown } }).session?.client;
  return typeof c === 'function' && typeof (c as { unsafe?: unknown }).unsafe === 'function' ? (c as Sql) : undefined;
}

/** Opens Postgres through postgres.js. Notices (e.g. "already exists, skipping") are not printed. */
export function openPostgres(url: string, opts: { max?: number } = {}): Database {
  const client = postgres(url, { max: opts.max ?? 10, onnotice: () => {} });
  const orm = drizzle({ client, schema }) as unknown as Orm;
  return {
    kind: 'postgres',
    orm,
    url,
    rows: async <T extends Record<string, unknown>>(query: SQL, ex?: Executor, o?: RowsOptions) => {
      const conn = o?.prepare ? connectionOf(ex ?? orm, orm, client) : undefined;
      if (!conn) return executeRows<T>(ex ?? orm, query);
      const q = dialect.sqlToQuery(query);
      // Named (prepared) on first use per connection; afterwards one Bind/Execute round trip.
      return (await conn.unsafe(q.sql, q.params as never[], { prepare: true })) as unknown as T[];
    },
    async copyCsv(table, columns, csv) {
      const writable = await client.unsafe(copyStatement(table, columns, 'STDIN')).writable();
      await pipeline(Readable.from([csv]), writable);
    },
    close: () => client.end({ timeout: 5 }),
  };
}
