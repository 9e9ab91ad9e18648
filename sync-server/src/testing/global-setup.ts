import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrate, SERVER_MIGRATIONS } from '../db/migrate.ts';
import { openMemoryPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';
import { TEST_DATABASE_URL_ENV, adminUrl } from './pg-url.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a gzipped PGlite data folder with every migration applied. */
    pgliteTemplate: string;
    /** Name of a migrated Postgres template database, or '' without TEST_DATABASE_URL. */
    pgTemplate: string;
  }
}

function migrationsHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else h.update(name.name).update(readFileSync(p));
    }
  };
  walk(SERVER_MIGRATIONS);
  return h.digest('hex').slice(0, 16);
}

/**
 * Migrates once per test run: a PGlite dumped to a file (each test file loads
 * a fresh copy from it) and, with TEST_DATABASE_URL, a Postgres template
 * database (each Postgres test file gets `CREATE DATABASE ... TEMPLATE`).
 */
export default async function setup(project: TestProject) {
  const hash = migrationsHash();
  const templatePath = join(tmpdir(), `streamflow-pglite-${hash}.tar.gz`);
  if (!existsSync(templatePath)) {
    const db = await openMemoryPglite();
    await migrate(db);
    const client = (db.orm as unknown as { $client: { dumpDataDir(c: 'gzip'): Promise<Blob> } }).$client;
    const dump = await client.dumpDataDir('gzip');
    writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
    await db.close();
  }
  project.provide('pgliteTemplate', templatePath);

  const url = process.env[TEST_DATABASE_URL_ENV];
  if (!url) {
    project.provide('pgTemplate', '');
    return;
  }
  const template = `streamflow_tpl_${hash}_${process.pid}`;
  const admin = postgres(adminUrl(url), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${template}"`);
  await admin.unsafe(`CREATE DATABASE "${template}"`);
  const db = openPostgres(withDatabase(url, template), { max: 1 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  project.provide('pgTemplate', template);
  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
