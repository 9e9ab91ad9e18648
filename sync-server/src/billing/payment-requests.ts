import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { PermanentJobError, type JobHandler, type JobOutcome } from '../jobs/worker.ts';
import type { BillingDeps } from './deps.ts';
import { readEntitlements } from './entitlements.ts';
import { BillingErrors } from './errors.ts';
import { createInvoiceCheckout } from './invoice-checkout.ts';

/** Job kind queued by the payment_requests insert trigger (migrations/server/0011_billing_rls.sql). */
export const PAYMENT_REQUEST_JOB = 'billing.payment_request';

/** Failures no retry can fix: the request is marked failed with the code, for the app to show. */
const PERMANENT: ReadonlySet<string> = new Set([
  BillingErrors.INVOICE_NOT_FOUND,
  BillingErrors.INVOICE_NOT_PAYABLE,
  BillingErrors.AMOUNT_INVALID,
  BillingErrors.CONNECT_NOT_STARTED,
  BillingErrors.CONNECT_NOT_READY,
  BillingErrors.MODULE_NOT_ENTITLED,
  BillingErrors.STRIPE_REJECTED,
]);

interface RequestRow extends Record<string, unknown> {
  id: string;
  invoice_id: string;
  amount: string;
  status: string;
}

export type PaymentRequestOutcome = 'link_ready' | 'failed' | 'skipped';

/**
 * Turns one `requested` payment request into a Checkout Session link, at
 * most one session per row: the Stripe idempotency key is `payreq:<row id>`,
 * so a retry, a second worker or a crash between Stripe's answer and our
 * write all get the same session. The link and status are written to the
 * row (and so reach the app through its shape). Permanent problems mark the
 * row failed with a code; Stripe being unreachable throws, for a retry.
 */
export async function processPaymentRequest(deps: BillingDeps, orgId: string, id: string, opts: { lastAttempt?: boolean } = {}): Promise<PaymentRequestOutcome> {
  const { db } = deps;
  const [row] = await withTenant(db, { orgId }, (tx) =>
    db.rows<RequestRow>(sql`select id::text as id, invoice_id::text as invoice_id, amount::text as amount, status from payment_requests where id = ${id}`, tx),
  );
  if (!row || row.status !== 'requested') return 'skipped';
  try {
    const entitlements = await readEntitlements(db, orgId);
    if (!entitlements?.modules.client_payments) throw new AppError(403, BillingErrors.MODULE_NOT_ENTITLED, 'The plan does not include client payments.');
    const checkout = await createInvoiceCheckout(deps, { orgId, invoiceId: row.invoice_id, amount: row.amount, idempotencyKey: `payreq:${row.id}`, paymentRequestId: row.id });
    await withTenant(db, { orgId }, async (tx) => {
      await db.rows(
        sql`update payment_requests set status = 'link_ready', checkout_url = ${checkout.url}, stripe_checkout_session_id = ${checkout.sessionId},
              currency = ${checkout.currency.toUpperCase()}, failure_code = null
            where id = ${row.id} and status = 'requested'`,
        tx,
      );
      await recordAudit(db, { action: 'billing.payment_link_created', outcome: 'succeeded', orgId, space: 'platform', targetTable: 'payment_requests', targetId: row.id, details: { session: checkout.sessionId, invoiceId: row.invoice_id } }, tx);
    });
    return 'link_ready';
  } catch (err) {
    const code = err instanceof AppError ? err.code : BillingErrors.PAYMENT_LINK_FAILED;
    // A transient failure is retried by the job, until its last attempt: then the row says so,
    // rather than staying "requested" for ever on the device.
    if (!PERMANENT.has(code) && !opts.lastAttempt) throw err;
    await withTenant(db, { orgId }, (tx) =>
      db.rows(sql`update payment_requests set status = 'failed', failure_code = ${code} where id = ${row.id} and status = 'requested'`, tx),
    );
    deps.logger.warn('payment request failed', { orgId, paymentRequestId: row.id, code });
    return 'failed';
  }
}

/**
 * Sweeps every `requested` payment request (oldest first, up to `limit` per
 * tenant) outside the job queue: for an operator after an outage, and for
 * tests. Safe beside the per-row jobs (same idempotency key, and the link is
 * written only while the row is still `requested`). Reads each tenant under
 * its own RLS scope, so it works where the database owner is not a superuser.
 */
export async function processPaymentRequests(deps: BillingDeps, limit = 50): Promise<Record<PaymentRequestOutcome, number>> {
  const { db } = deps;
  const counts: Record<PaymentRequestOutcome, number> = { link_ready: 0, failed: 0, skipped: 0 };
  const orgs = await db.rows<{ id: string }>(sql`select id from organization order by id`);
  for (const org of orgs) {
    const due = await withTenant(db, { orgId: org.id }, (tx) =>
      db.rows<{ id: string }>(sql`select id::text as id from payment_requests where status = 'requested' order by created_at limit ${limit}`, tx),
    );
    for (const r of due) counts[await processPaymentRequest(deps, org.id, r.id)] += 1;
  }
  return counts;
}

/** Job handlers to register with the job worker (jobs/start.ts). */
export function billingJobHandlers(deps: BillingDeps): Record<string, JobHandler> {
  return {
    async [PAYMENT_REQUEST_JOB](job): Promise<JobOutcome> {
      const orgId = job.payload.orgId;
      const id = job.payload.paymentRequestId;
      if (typeof orgId !== 'string' || typeof id !== 'string') throw new PermanentJobError('payload.orgId and payload.paymentRequestId are required');
      const outcome = await processPaymentRequest(deps, orgId, id, { lastAttempt: job.attempts >= job.maxAttempts });
      return { outcome: outcome === 'skipped' ? 'skipped' : 'done', details: { result: outcome } };
    },
  };
}
