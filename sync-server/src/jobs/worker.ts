import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import type { Logger } from '../logger.ts';
import { errorText } from '../redact.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';

/** A job as a handler sees it, after it was claimed (attempts already counts this try). */
export interface ClaimedJob {
  id: string;
  kind: string;
  orgId: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

/** What a handler may report about a successful run; recorded in the audit log. */
export interface JobOutcome {
  outcome: 'done' | 'skipped';
  details?: Record<string, unknown>;
}

export type JobHandler = (job: ClaimedJob) => Promise<JobOutcome | void>;

/** Thrown by a handler when retrying cannot help (bad payload): the job goes straight to dead. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface JobRunnerOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  handlers: Readonly<Record<string, JobHandler>>;
  /** Identifies this worker in `locked_by`; several per process are fine. */
  workerId?: string;
  backoff?: BackoffPolicy;
  /** A running job whose worker has been silent this long is considered crashed and claimed again. */
  leaseMs?: number;
  random?: () => number;
}

export interface RunSummary {
  claimed: number;
  succeeded: number;
  retried: number;
  dead: number;
}

interface ClaimRow extends Record<string, unknown> {
  id: string;
  kind: string;
  org_id: string | null;
  payload: Record<string, unknown> | string;
  attempts: number;
  max_attempts: number;
}

/**
 * The job worker. `runDueJobs()` claims due jobs with `FOR UPDATE SKIP
 * LOCKED` (so several workers, in one process or many, never take the same
 * row), runs each handler, and records success, a retry with exponential
 * backoff, or the dead letter after `max_attempts`. Tests call it directly
 * with a test clock; `start()` polls it for the server.
 */
export function createJobRunner(opts: JobRunnerOptions) {
  const workerId = opts.workerId ?? `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  const policy = opts.backoff ?? DEFAULT_BACKOFF;
  const leaseMs = opts.leaseMs ?? 10 * 60_000;
  const log = opts.logger.child({ component: 'jobs', workerId });

  async function claim(limit: number): Promise<ClaimedJob[]> {
    const now = opts.clock.now();
    const cutoff = new Date(now.getTime() - leaseMs);
    const rows = await opts.db.rows<ClaimRow>(sql`
      update jobs set status = 'running', attempts = attempts + 1, locked_at = ${now.toISOString()}::timestamptz,
        locked_by = ${workerId}, updated_at = ${now.toISOString()}::timestamptz
      where id in (
        select id from jobs
        where (status = 'queued' and run_at <= ${now.toISOString()}::timestamptz)
           or (status = 'running' and locked_at < ${cutoff.toISOString()}::timestamptz)
        order by run_at, created_at
        limit ${limit}
        for update skip locked)
      returning id, kind, org_id, payload, attempts, max_attempts`);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      orgId: r.org_id,
      payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
    }));
  }

  async function succeed(job: ClaimedJob, outcome: JobOutcome | void): Promise<void> {
    const now = opts.clock.now().toISOString();
    await opts.db.orm.transaction(async (tx) => {
      // Only the worker holding the lease may finish the job.
      await opts.db.rows(
        sql`update jobs set status = 'succeeded', locked_at = null, last_error = null, updated_at = ${now}::timestamptz
            where id = ${job.id} and locked_by = ${workerId} and status = 'running'`,
        tx,
      );
      if (outcome) {
        await opts.db.rows(
          sql`insert into audit_log (at, actor_user_id, org_id, space, action, target_table, target_id, outcome, details)
              values (${now}::timestamptz, null, ${job.orgId}, 'platform', ${`job.${job.kind}`}, 'jobs', ${job.id},
                      'succeeded', ${JSON.stringify({ outcome: outcome.outcome, ...outcome.details })}::jsonb)`,
          tx,
        );
      }
    });
  }

  async function fail(job: ClaimedJob, err: unknown): Promise<'retried' | 'dead'> {
    const now = opts.clock.now();
    // Stored in the job, the audit log and the log line: without the failing query's values.
    const message = errorText(err);
    const dead = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    const runAt = dead ? now : new Date(now.getTime() + backoffDelay(job.attempts, policy, opts.random));
    await opts.db.orm.transaction(async (tx) => {
      await opts.db.rows(
        sql`update jobs set status = ${dead ? 'dead' : 'queued'}, run_at = ${runAt.toISOString()}::timestamptz,
              last_error = ${message.slice(0, 2000)}, locked_at = null, locked_by = null, updated_at = ${now.toISOString()}::timestamptz
            where id = ${job.id} and locked_by = ${workerId} and status = 'running'`,
        tx,
      );
      if (dead) {
        await opts.db.rows(
          sql`insert into audit_log (at, org_id, space, action, target_table, target_id, outcome, details)
              values (${now.toISOString()}::timestamptz, ${job.orgId}, 'platform', 'job.dead', 'jobs', ${job.id}, 'failed',
                      ${JSON.stringify({ kind: job.kind, attempts: job.attempts, error: message.slice(0, 500) })}::jsonb)`,
          tx,
        );
      }
    });
    if (dead) log.warn('job dead-lettered', { jobId: job.id, kind: job.kind, attempts: job.attempts, error: message });
    else log.info('job failed, will retry', { jobId: job.id, kind: job.kind, attempts: job.attempts, runAt, error: message });
    return dead ? 'dead' : 'retried';
  }

  async function runOne(job: ClaimedJob, summary: RunSummary): Promise<void> {
    const handler = opts.handlers[job.kind];
    try {
      if (job.attempts > job.maxAttempts) throw new PermanentJobError('lease expired after the last attempt');
      if (!handler) throw new PermanentJobError(`no handler for job kind "${job.kind}"`);
      const outcome = await handler(job);
      await succeed(job, outcome);
      summary.succeeded++;
    } catch (err) {
      summary[await fail(job, err)]++;
    }
  }

  /** Runs every job due now (by the injected clock), up to `limit`. Returns what happened. */
  async function runDueJobs(limit = 50): Promise<RunSummary> {
    const summary: RunSummary = { claimed: 0, succeeded: 0, retried: 0, dead: 0 };
    while (summary.claimed < limit) {
      const batch = await claim(Math.min(10, limit - summary.claimed));
      if (batch.length === 0) break;
      summary.claimed += batch.length;
      for (const job of batch) await runOne(job, summary);
    }
    return summary;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  /** Polls for due jobs every `intervalMs` until `stop()`. */
  function start(intervalMs: number): void {
    if (!stopped) return;
    stopped = false;
    const tick = () => {
      running = runDueJobs()
        .catch((err: unknown) => log.error('job poll failed', { err }))
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, intervalMs).unref();
        });
    };
    timer = setTimeout(tick, 0).unref();
  }

  /** Stops polling and waits for the jobs in hand to finish. */
  async function stop(): Promise<void> {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  }

  return { workerId, runDueJobs, start, stop };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
