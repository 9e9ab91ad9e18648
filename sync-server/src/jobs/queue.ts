import { eq } from 'drizzle-orm';
import { jobs } from '@streamflow/schema';
import type { Executor } from '../db/types.ts';

/** Job kinds known today; later capabilities add theirs (imports, pruning). */
export const JOB_KINDS = {
  EMAIL_WELCOME: 'email.welcome',
  EMAIL_INVITE: 'email.invite',
  FEDERATION_HANDSHAKE: 'federation.handshake',
} as const;

export interface EnqueueJob {
  kind: string;
  payload?: Record<string, unknown>;
  orgId?: string | null;
  /** One job per key, ever: enqueueing the same key again returns the existing job. */
  dedupeKey?: string;
  /** When the job becomes due. Pass the injected clock's time. */
  runAt: Date;
  maxAttempts?: number;
}

/**
 * Queues a job inside the caller's transaction (so a job exists exactly when
 * the work that asked for it committed). Idempotent by `dedupeKey`.
 */
export async function enqueueJob(ex: Executor, job: EnqueueJob): Promise<{ id: string; created: boolean }> {
  const inserted = await ex
    .insert(jobs)
    .values({
      kind: job.kind,
      payload: job.payload ?? {},
      orgId: job.orgId ?? null,
      dedupeKey: job.dedupeKey ?? null,
      runAt: job.runAt,
      createdAt: job.runAt,
      updatedAt: job.runAt,
      ...(job.maxAttempts ? { maxAttempts: job.maxAttempts } : {}),
    })
    .onConflictDoNothing({ target: jobs.dedupeKey })
    .returning({ id: jobs.id });
  if (inserted[0]) return { id: inserted[0].id, created: true };
  if (!job.dedupeKey) throw new Error('enqueueJob: insert returned no row');
  const existing = await ex.select({ id: jobs.id }).from(jobs).where(eq(jobs.dedupeKey, job.dedupeKey));
  if (!existing[0]) throw new Error(`enqueueJob: no job with dedupe key ${job.dedupeKey}`);
  return { id: existing[0].id, created: false };
}
