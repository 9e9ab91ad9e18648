import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { describe, inject } from 'vitest';
import { openMemoryPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';
import type { Database, DbKind } from '../db/types.ts';
import { withDatabase } from './global-setup.ts';
import { TEST_DATABASE_URL_ENV, adminUrl } from './pg-url.ts';

/** A fresh, migrated in-memory PGlite, loaded from the run's template dump (fast). */
export async function createTestPglite(): Promise<Database> {
  const dump = readFileSync(inject('pgliteTemplate'));
  return openMemoryPglite(new Blob([dump]));
}

let counter = 0;

/** A fresh, migrated Postgres database copied from the run's template; `close()` drops it. */
export async function createTestPostgres(): Promise<Database> {
  const url = process.env[TEST_DATABASE_URL_ENV];
  const template = inject('pgTemplate');
  if (!url || !template) throw new Error('createTestPostgres needs TEST_DATABASE_URL');
  const name = `streamflow_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = postgres(adminUrl(url), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  const db = openPostgres(withDatabase(url, name));
  return {
    ...db,
    async close() {
      await db.close();
      const a = postgres(adminUrl(url), { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** A database engine a shared suite runs on. */
export interface TestEngine {
  kind: DbKind;
  open(): Promise<Database>;
}

export const pgliteEngine: TestEngine = { kind: 'pglite', open: createTestPglite };
export const postgresEngine: TestEngine = { kind: 'postgres', open: createTestPostgres };

/**
 * `describe` for `*.pg.test.ts` files: runs on real Postgres when
 * TEST_DATABASE_URL is set, and otherwise skips with a visible notice.
 */
export function describePg(name: string, fn: () => void): void {
  if (process.env[TEST_DATABASE_URL_ENV]) {
    describe(name, fn);
    return;
  }
  console.warn(`[streamflow] ${TEST_DATABASE_URL_ENV} is not set: skipping Postgres suite "${name}".`);
  describe.skip(name, fn);
}
