import { readdirSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { applyClientMigrations } from './migrate.ts';

/*
 * For the client pages' tests: a real PGlite with the app's client
 * migrations applied (migrations/client, as the worker applies them), and
 * a way to put rows in `<t>_synced` as pglite-sync would.
 */

const DIR = new URL('../../../migrations/client/', import.meta.url);

/** A fresh in-memory PGlite with the local store's schema. */
export async function openLocalStore(): Promise<PGlite> {
  const files = Object.fromEntries(
    readdirSync(DIR)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => [f, readFileSync(new URL(f, DIR), 'utf8')]),
  );
  const pg = await PGlite.create();
  await applyClientMigrations(pg, files);
  return pg;
}

export const ORG = 'org-test';

/**
 * `n` synced leads with predictable values: `Lead <i>` (zero-padded), email
 * `lead<i>@example.test`, phone `+1 555 <i>`, statuses cycling, every third
 * assigned to `assignee`, created one second apart (lead 0 the newest).
 */
export async function seedSyncedLeads(pg: PGlite, n: number, assignee = 'user-a', analyze = true): Promise<void> {
  await pg.query(
    `INSERT INTO leads_synced (id, org_id, created_at, updated_at, name, company_name, email, phone, source, status, score, value, assignee_id, custom)
     SELECT gen_random_uuid(), $1, timestamptz '2026-11-01T12:00:00Z' - make_interval(secs => i), timestamptz '2026-11-01T12:00:00Z',
            'Lead ' || lpad(i::text, 6, '0'), 'Company ' || (i % 50), 'lead' || i || '@example.test', '+1 555 ' || lpad(i::text, 7, '0'), 'web',
            (ARRAY['new', 'contacted', 'qualified', 'unqualified'])[1 + i % 4], i % 100, '100.00', CASE WHEN i % 3 = 0 THEN $2 END, '{}'
       FROM generate_series(0, $3 - 1) AS i`,
    [ORG, assignee, n],
  );
  if (analyze) await pg.exec('ANALYZE');
}
