import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { requireSpace } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../context.ts';
import { jobQueueStats } from '../jobs/stats.ts';
import type { Metrics } from '../metrics.ts';
import type { ShapeEngine } from '../shapes/engine.ts';

/** What `GET /api/dev/diagnostics` answers. Counts and timings only: no tenant data. */
export interface Diagnostics {
  at: string;
  uptimeSeconds: number;
  db: { kind: string; ok: boolean; roundTripMs: number; version: string; migrations: number };
  jobs: Awaited<ReturnType<typeof jobQueueStats>>;
  sync: { watermark: string; changeLogRows: number; changeLogCommits: number; oldestEntryAt: string | null; liveRequests: number };
  http: { total: number; byStatus: Record<string, number>; errorRate5xx: number };
  writes: { table: string; outcome: string; count: number }[];
}

/**
 * The dev space's diagnostics (PRODUCT.md 9): database reachability and
 * round trip, the job queue, the shape engine's change log and live
 * requests, request counts by status class and write outcomes since this
 * instance started. Platform developers only; nothing per tenant.
 */
export function diagnosticsRoutes(deps: Pick<Deps, 'db' | 'clock'> & { metrics: Metrics; engine: ShapeEngine }) {
  const { db, metrics, engine } = deps;
  const started = Date.now();
  return new Hono<AppEnv>().get('/api/dev/diagnostics', requireSpace(deps, 'dev'), async (c) => {
    const t0 = performance.now();
    const [ping] = await db.rows<{ version: string }>(sql`select current_setting('server_version') as version`);
    const roundTripMs = Math.round((performance.now() - t0) * 100) / 100;
    const [migrations] = await db.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const [log] = await db.rows<{ watermark: string | null; commits: number; rows: number; oldest: string | null }>(sql`
      select (select max(lsn)::text from sync_commits) as watermark,
             (select count(*)::int from sync_commits) as commits,
             (select count(*)::int from sync_change_log) as rows,
             (select to_char(min(created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') from sync_change_log) as oldest`);

    const byStatus: Record<string, number> = {};
    for (const { labels, count } of metrics.countsOf('http_request_duration_seconds')) {
      const s = labels.status ?? 'unknown';
      byStatus[s] = (byStatus[s] ?? 0) + count;
    }
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const body: Diagnostics = {
      at: deps.clock.now().toISOString(),
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      db: { kind: db.kind, ok: ping !== undefined, roundTripMs, version: ping?.version ?? 'unknown', migrations: migrations?.n ?? 0 },
      jobs: await jobQueueStats(db, deps.clock.now()),
      sync: {
        watermark: log?.watermark ?? '0',
        changeLogRows: log?.rows ?? 0,
        changeLogCommits: log?.commits ?? 0,
        oldestEntryAt: log?.oldest ?? null,
        liveRequests: engine.notifier.waiting,
      },
      http: { total, byStatus, errorRate5xx: total ? Math.round(((byStatus['5xx'] ?? 0) / total) * 10_000) / 10_000 : 0 },
      writes: metrics
        .countsOf('write_mutations_total')
        .map(({ labels, count }) => ({ table: labels.table ?? '', outcome: labels.outcome ?? '', count }))
        .sort((a, b) => (a.table + a.outcome < b.table + b.outcome ? -1 : 1)),
    };
    return c.json(body);
  });
}
