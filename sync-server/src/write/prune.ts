import { sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import type { Logger } from '../logger.ts';

/**
 * Deletes idempotency keys and mutation-ledger entries older than `hours`
 * (at least 72: PROTOCOL.md promises keys are kept that long). Runs on the
 * owner path because it spans every tenant.
 */
export async function pruneIdempotencyKeys(db: Database, clock: Clock, hours: number): Promise<{ keys: number; mutations: number }> {
  const cutoff = new Date(clock.now().getTime() - Math.max(72, hours) * 3_600_000).toISOString();
  return db.orm.transaction(async (tx) => {
    const [keys] = await db.rows<{ n: number }>(
      sql`with d as (delete from idempotency_keys where created_at < ${cutoff}::timestamptz returning 1) select count(*)::int as n from d`,
      tx,
    );
    const [mutations] = await db.rows<{ n: number }>(
      sql`with d as (delete from write_mutations where created_at < ${cutoff}::timestamptz returning 1) select count(*)::int as n from d`,
      tx,
    );
    return { keys: keys?.n ?? 0, mutations: mutations?.n ?? 0 };
  });
}

const DAY_MS = 86_400_000;

/** Runs the prune once a day (first run a minute after start); returns a stop function. */
export function startDailyPrune(deps: { db: Database; clock: Clock; logger: Logger; hours: number }): () => void {
  const run = () => {
    pruneIdempotencyKeys(deps.db, deps.clock, deps.hours).then(
      (n) => deps.logger.info('idempotency keys pruned', n),
      (err: unknown) => deps.logger.error('idempotency prune failed', { err }),
    );
  };
  const first = setTimeout(run, 60_000);
  const daily = setInterval(run, DAY_MS);
  first.unref();
  daily.unref();
  return () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}
