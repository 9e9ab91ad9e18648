import type { Env } from '../env.ts';
import { openDiskPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database } from './types.ts';

/**
 * The database for this configuration: Postgres when `DATABASE_URL` is set,
 * otherwise embedded PGlite on disk in `dataDir` (already resolved to an
 * absolute path by the caller).
 */
export async function openDatabase(env: Pick<Env, 'DATABASE_URL'>, dataDir: string): Promise<Database> {
  if (env.DATABASE_URL) return openPostgres(env.DATABASE_URL);
  return openDiskPglite(dataDir);
}
