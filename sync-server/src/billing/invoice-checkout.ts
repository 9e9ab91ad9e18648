import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '../db/types.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { loadConnect } from './connect-account.ts';
import { billingPageUrl, requireSecretBox, requireStripe, type BillingDeps } from './deps.ts';
import { readEntitlements } from './entitlements.ts';
import { BillingErrors } from './errors.ts';
import { toMinorUnits } from './money.ts';
import { callStripe } from './stripe-client.ts';

export interface InvoiceCheckoutRequest {
  orgId: string;
  invoiceId: string;
  /** Decimal amount to collect; the invoice's balance when absent. */
  amount?: string;
  /** Stripe idempotency key: the same request made again gets the same session. */
  idempotencyKey: string;
  /** Set when the session answers an offline payment request. */
  paymentRequestId?: string;
}

export interface InvoiceCheckout {
  sessionId: string;
  url: string;
  amountMinor: number;
  currency: string;
}

interface InvoiceRow extends Record<string, unknown> {
  id: string;
  number: string;
  status: string;
  currency: string;
  total: string;
  amount_paid: string;
}

/**
 * A Checkout Session on the platform key for a tenant invoice, charged on
 * behalf of the tenant's connected account (`on_behalf_of`, and
 * `transfer_data.destination` so the funds land there), with the platform's
 * application fee from the plan (or CONNECT_APPLICATION_FEE_BPS). Throws
 * AppErrors whose codes say whether a retry can help.
 */
export async function createInvoiceCheckout(deps: BillingDeps, req: InvoiceCheckoutRequest): Promise<InvoiceCheckout> {
  const stripe = requireStripe(deps);
  const box = requireSecretBox(deps.env);
  const db: Database = deps.db;
  const { invoice, connect } = await withTenant(db, { orgId: req.orgId }, async (tx) => {
    const [invoice] = await db.rows<InvoiceRow>(
      sql`select id, number, status, currency, total::text as total, amount_paid::text as amount_paid from invoices where id = ${req.invoiceId}`,
      tx,
    );
    return { invoice, connect: await loadConnect(db, tx, box, req.orgId) };
  });
  if (!invoice) throw new AppError(404, BillingErrors.INVOICE_NOT_FOUND, 'No such invoice.');
  if (!['open', 'draft'].includes(invoice.status)) {
    throw new AppError(409, BillingErrors.INVOICE_NOT_PAYABLE, `An invoice that is ${invoice.status} cannot be paid.`, { status: invoice.status });
  }
  const currency = invoice.currency.toLowerCase();
  const due = toMinorUnits(invoice.total, currency) - toMinorUnits(invoice.amount_paid, currency);
  const amountMinor = req.amount === undefined ? due : toMinorUnits(req.amount, currency);
  if (!(amountMinor > 0) || amountMinor > due) {
    throw new AppError(422, BillingErrors.AMOUNT_INVALID, 'The amount must be more than zero and at most the balance due.', { due: due / 100 });
  }
  if (!connect) throw new AppError(409, BillingErrors.CONNECT_NOT_STARTED, 'Connect a Stripe account first.');
  if (connect.status === 'deauthorized' || !connect.chargesEnabled) {
    throw new AppError(409, BillingErrors.CONNECT_NOT_READY, 'The connected Stripe account cannot take payments yet.', { status: connect.status });
  }
  const entitlements = await readEntitlements(db, req.orgId);
  const feeBps = deps.env.CONNECT_APPLICATION_FEE_BPS ?? entitlements?.applicationFeeBps ?? 0;
  const fee = Math.floor((amountMinor * feeBps) / 10_000);
  const metadata: Record<string, string> = {
    kind: req.paymentRequestId ? 'payment_request' : 'invoice',
    org_id: req.orgId,
    invoice_id: invoice.id,
    ...(req.paymentRequestId ? { payment_request_id: req.paymentRequestId } : {}),
  };
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'payment',
    client_reference_id: invoice.id,
    line_items: [{ quantity: 1, price_data: { currency, unit_amount: amountMinor, product_data: { name: `Invoice ${invoice.number}` } } }],
    payment_intent_data: {
      on_behalf_of: connect.accountId,
      transfer_data: { destination: connect.accountId },
      ...(fee > 0 ? { application_fee_amount: fee } : {}),
      metadata,
    },
    metadata,
    success_url: billingPageUrl(deps.env, req.orgId, `invoice=${invoice.id}&paid=1`).replace('/settings/billing', '/invoices'),
    cancel_url: billingPageUrl(deps.env, req.orgId, `invoice=${invoice.id}`).replace('/settings/billing', '/invoices'),
  };
  const session = await callStripe(() => stripe.checkout.sessions.create(params, { idempotencyKey: req.idempotencyKey }));
  if (!session.url) throw new AppError(502, BillingErrors.STRIPE_REJECTED, 'Stripe returned a session without a link.');
  return { sessionId: session.id, url: session.url, amountMinor, currency };
}
