import type { PGliteInterface } from '@electric-sql/pglite';

/**
 * The app's local schema: migrations/client/*.sql (generated from schema/ by
 * `npm run db:generate-client`), applied in name order at start, each once,
 * recorded in `local_migrations`. The SQL is idempotent too (IF NOT EXISTS /
 * OR REPLACE), so a crash between applying and recording is harmless.
 */
export async function applyClientMigrations(pg: PGliteInterface, files: Record<string, string>): Promise<string[]> {
  await pg.exec(`CREATE TABLE IF NOT EXISTS local_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set((await pg.query<{ name: string }>('SELECT name FROM local_migrations')).rows.map((r) => r.name));
  const applied: string[] = [];
  for (const path of Object.keys(files).sort()) {
    const name = path.split('/').pop() ?? path;
    if (done.has(name)) continue;
    await pg.transaction(async (tx) => {
      await tx.exec(files[path] ?? '');
      await tx.query('INSERT INTO local_migrations (name) VALUES ($1) ON CONFLICT DO NOTHING', [name]);
    });
    applied.push(name);
  }
  return applied;
}
