import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { JOB_STATUSES } from '@streamflow/schema';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../audit/record.ts';
import { principalOf, requireSpace } from '../auth/guards.ts';
import { jobQueueStats, renderJobMetrics } from './stats.ts';

export const JobErrors = { JOB_NOT_FOUND: 'JOB_NOT_FOUND', JOB_NOT_DEAD: 'JOB_NOT_DEAD' } as const;

const listQuery = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  kind: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * The job queue in the dev space: `GET /api/dev/jobs` (counts, lag and the
 * latest jobs, filterable), `GET /api/dev/jobs/metrics` (Prometheus text),
 * `POST /api/dev/jobs/:id/retry` (put a dead job back in the queue, audited).
 * Payloads are not returned: they may hold personal data.
 */
export function jobsRoutes(deps: Deps) {
  const dev = requireSpace(deps, 'dev');
  return new Hono<AppEnv>()
    .get('/api/dev/jobs', dev, async (c) => {
      const q = listQuery.parse(c.req.query());
      const now = deps.clock.now();
      const jobs = await deps.db.rows(sql`
        select id, kind, org_id as "orgId", status, attempts, max_attempts as "maxAttempts", run_at as "runAt",
               locked_by as "lockedBy", last_error as "lastError", created_at as "createdAt", updated_at as "updatedAt"
        from jobs
        where (${q.status ?? null}::text is null or status = ${q.status ?? null})
          and (${q.kind ?? null}::text is null or kind = ${q.kind ?? null})
        order by updated_at desc, id limit ${q.limit}`);
      return c.json({ stats: await jobQueueStats(deps.db, now), jobs });
    })
    .get('/api/dev/jobs/metrics', dev, async (c) => {
      c.header('content-type', 'text/plain; version=0.0.4');
      return c.body(renderJobMetrics(await jobQueueStats(deps.db, deps.clock.now())));
    })
    .post('/api/dev/jobs/:id/retry', dev, async (c) => {
      const p = principalOf(c);
      const id = c.req.param('id');
      if (!z.uuid().safeParse(id).success) throw new AppError(404, JobErrors.JOB_NOT_FOUND, 'No such job.');
      const now = deps.clock.now();
      const result = await deps.db.orm.transaction(async (tx) => {
        const [row] = await deps.db.rows<{ status: string }>(sql`select status from jobs where id = ${id} for update`, tx);
        if (!row) return 'missing';
        if (row.status !== 'dead') return 'not-dead';
        await deps.db.rows(
          sql`update jobs set status = 'queued', attempts = 0, run_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz where id = ${id}`,
          tx,
        );
        await recordAudit(deps.db, { at: now, action: 'job.retry', outcome: 'succeeded', actorUserId: p.userId, requestId: c.get('requestId'), space: 'dev', targetTable: 'jobs', targetId: id }, tx);
        return 'ok';
      });
      if (result === 'missing') throw new AppError(404, JobErrors.JOB_NOT_FOUND, 'No such job.');
      if (result === 'not-dead') throw new AppError(409, JobErrors.JOB_NOT_DEAD, 'Only a dead job can be retried.');
      return c.json({ id, status: 'queued' });
    });
}
