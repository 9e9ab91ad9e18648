import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';

export interface JobQueueStats {
  /** Count per kind and status. */
  counts: { kind: string; status: string; count: number }[];
  /** Seconds the oldest due, unclaimed job has waited (0 when none): the queue's lag. */
  oldestDueSeconds: number;
}

/** Queue depth for the dev space and the metrics endpoint. */
export async function jobQueueStats(db: Database, now: Date): Promise<JobQueueStats> {
  const counts = await db.rows<{ kind: string; status: string; count: number }>(
    sql`select kind, status, count(*)::int as count from jobs group by kind, status order by kind, status`,
  );
  const [lag] = await db.rows<{ s: number | string | null }>(sql`
    select extract(epoch from (${now.toISOString()}::timestamptz - min(run_at)))::float8 as s
    from jobs where status = 'queued' and run_at <= ${now.toISOString()}::timestamptz`);
  return { counts, oldestDueSeconds: Math.max(0, Number(lag?.s ?? 0)) };
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The job gauges in Prometheus text format, for the metrics endpoint to append. */
export function renderJobMetrics(stats: JobQueueStats): string {
  const lines = [
    '# HELP streamflow_jobs Background jobs by kind and status.',
    '# TYPE streamflow_jobs gauge',
    ...stats.counts.map((c) => `streamflow_jobs{kind="${label(c.kind)}",status="${label(c.status)}"} ${c.count}`),
    '# HELP streamflow_jobs_oldest_due_seconds Age of the oldest due job not yet claimed.',
    '# TYPE streamflow_jobs_oldest_due_seconds gauge',
    `streamflow_jobs_oldest_due_seconds ${stats.oldestDueSeconds}`,
  ];
  return `${lines.join('\n')}\n`;
}
