import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import * as schema from '@streamflow/schema';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyStatement, executeRows, type Database, type Orm } from './types.ts';

/** Opens Postgres through postgres.js. Notices (e.g. "already exists, skipping") are not printed. */
export function openPostgres(url: string, opts: { max?: number } = {}): Database {
  const client = postgres(url, { max: opts.max ?? 10, onnotice: () => {} });
  const orm = drizzle({ client, schema }) as unknown as Orm;
  return {
    kind: 'postgres',
    orm,
    url,
    rows: (query, ex) => executeRows(ex ?? orm, query),
    async copyCsv(table, columns, csv) {
      const writable = await client.unsafe(copyStatement(table, columns, 'STDIN')).writable();
      await pipeline(Readable.from([csv]), writable);
    },
    close: () => client.end({ timeout: 5 }),
  };
}
