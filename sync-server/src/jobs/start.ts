import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mailer/mailer.ts';
import type Stripe from 'stripe';
import { billingJobHandlers } from '../billing/payment-requests.ts';
import { provisioningJobHandlers } from '../provisioning/job-handlers.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { createJobRunner, type JobRunner } from './worker.ts';

/**
 * Builds the server's job worker with every handler and, unless
 * `JOBS_WORKER=false`, starts polling. Call `stop()` on shutdown before
 * closing the database.
 */
export function startJobWorker(deps: { db: Database; env: Env; clock: Clock; logger: Logger; mailer: Mailer; stripeProvider: Stripe | null }): JobRunner {
  const runner = createJobRunner({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    backoff: { ...DEFAULT_BACKOFF, baseMs: deps.env.JOBS_RETRY_BASE_MS },
    handlers: { ...provisioningJobHandlers(deps), ...billingJobHandlers(deps) },
  });
  if (deps.env.JOBS_WORKER) runner.start(deps.env.JOBS_POLL_INTERVAL_MS);
  return runner;
}
