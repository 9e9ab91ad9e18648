import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Database } from './types.ts';

/** `migrations/server` at the repository root: drizzle-kit SQL plus hand-written RLS. */
export const SERVER_MIGRATIONS = fileURLToPath(new URL('../../../migrations/server', import.meta.url));

/** Arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 7_263_001;

const config = { migrationsFolder: SERVER_MIGRATIONS, migrationsSchema: 'drizzle' };

/**
 * Applies pending migrations in-process. On Postgres a session advisory lock,
 * on a dedicated single connection, keeps several instances starting at once
 * from racing; PGlite has one process by construction (the data-folder lock).
 */
export async function migrate(db: Database): Promise<void> {
  if (db.kind === 'pglite') {
    await migratePglite(db.orm as unknown as PgliteDatabase, config);
    return;
  }
  if (!db.url) throw new Error('migrate: a Postgres database needs its url');
  const client = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzle({ client }), config);
  } finally {
    await client.end({ timeout: 5 });
  }
}
