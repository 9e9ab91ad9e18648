import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle } from 'drizzle-orm/pglite';
import * as schema from '@streamflow/schema';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import { copyStatement, executeRows, type Database, type Orm } from './types.ts';

/** Extensions every PGlite of ours loads (the migrations create pg_trgm). */
export const PGLITE_EXTENSIONS = { pg_trgm } as const;

/** Wraps an open PGlite as our `Database`. */
export function pgliteDatabase(client: PGlite, onClose?: () => void): Database {
  const orm = drizzle({ client, schema }) as unknown as Orm;
  return {
    kind: 'pglite',
    orm,
    rows: (query, ex) => executeRows(ex ?? orm, query),
    async copyCsv(table, columns, csv) {
      await client.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([csv]) });
    },
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        onClose?.();
      }
    },
  };
}

/** Opens an in-memory PGlite, optionally from a dumped data folder (test harness). */
export async function openMemoryPglite(loadDataDir?: Blob | File): Promise<Database> {
  const options: PGliteOptions = { extensions: PGLITE_EXTENSIONS };
  if (loadDataDir) options.loadDataDir = loadDataDir;
  const client = await PGlite.create(options);
  return pgliteDatabase(client);
}

/**
 * Opens the embedded database in `dataDir/pgdata`, creating the folder if
 * missing. The folder is locked for this process until `close()`.
 */
export async function openDiskPglite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const lock: DataDirLock = acquireDataDirLock(dataDir);
  try {
    const client = await PGlite.create(join(dataDir, 'pgdata'), { extensions: PGLITE_EXTENSIONS });
    return pgliteDatabase(client, () => lock.release());
  } catch (err) {
    lock.release();
    throw err;
  }
}
