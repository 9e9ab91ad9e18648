import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';
import type { Logger } from '../logger.ts';
import type { ShapeEngine } from './engine.ts';

export interface PruneResult {
  commits: number;
  entries: number;
  prunedThroughLsn: string;
}

/**
 * Deletes change-log commits (and their entries) committed before `before`,
 * always keeping the newest commit (it carries the watermark). The horizon
 * moves in the same transaction, so a reader either sees the old log or the
 * new horizon, and a client whose offset is below it gets must-refetch.
 * Handles made before `before` are dropped too, except each shape's newest.
 */
export async function pruneChangeLog(db: Database, before: Date): Promise<PruneResult> {
  return db.orm.transaction(async (tx) => {
    const [cut] = await db.rows<{ lsn: string | null }>(
      sql`select max(lsn)::text as lsn from sync_commits
        where committed_at < ${before.toISOString()}::timestamptz
          and lsn < (select max(lsn) from sync_commits)`,
      tx,
    );
    if (!cut?.lsn) return { commits: 0, entries: 0, prunedThroughLsn: '0' };
    const [entries] = await db.rows<{ n: string }>(
      sql`with gone as (delete from sync_change_log l using sync_commits c
          where l.xid = c.xid and c.lsn <= ${cut.lsn}::bigint returning 1) select count(*)::text as n from gone`,
      tx,
    );
    const [commits] = await db.rows<{ n: string }>(
      sql`with gone as (delete from sync_commits where lsn <= ${cut.lsn}::bigint returning 1) select count(*)::text as n from gone`,
      tx,
    );
    await db.rows(sql`update sync_state set pruned_through_lsn = greatest(pruned_through_lsn, ${cut.lsn}::bigint) where id = 1`, tx);
    await db.rows(
      sql`delete from sync_shape_handles h where h.created_at < ${before.toISOString()}::timestamptz
        and h.created_at < (select max(created_at) from sync_shape_handles n where n.shape_key = h.shape_key)`,
      tx,
    );
    return { commits: Number(commits?.n ?? 0), entries: Number(entries?.n ?? 0), prunedThroughLsn: cut.lsn };
  });
}

/** Runs the prune every `intervalMs` (and samples the log size for metrics); returns a stop function. */
export function startRetention(
  db: Database,
  engine: ShapeEngine,
  logger: Logger,
  opts: { retentionDays: number; intervalMs: number; now?: () => Date },
): () => void {
  const now = opts.now ?? (() => new Date());
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const before = new Date(now().getTime() - opts.retentionDays * 86_400_000);
      const r = await pruneChangeLog(db, before);
      if (r.commits > 0) {
        engine.setPrunedThrough(BigInt(r.prunedThroughLsn));
        engine.handles.forget();
        logger.info('shapes.pruned', { ...r });
      }
      const [size] = await db.rows<{ rows: string; commits: string }>(
        sql`select (select count(*) from sync_change_log)::text as rows, (select count(*) from sync_commits)::text as commits`,
      );
      engine.metrics.changeLog(Number(size?.rows ?? 0), Number(size?.commits ?? 0));
    } catch (err) {
      logger.warn('shapes.prune_failed', { err });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
