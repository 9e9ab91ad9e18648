import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Tx } from '../db/types.ts';
import { accountHash } from './connect-account.ts';
import { fromMinorUnits, uuidFor } from './money.ts';
import { actFor, type EventHandler, type HandlerOutcome } from './webhook-core.ts';

const idOf = (v: string | { id: string } | null | undefined): string | null => (typeof v === 'string' ? v : (v?.id ?? null));

/** The tenant whose connected account this is, or null. */
export async function orgOfAccount(db: Database, tx: Tx, accountId: string): Promise<string | null> {
  const [row] = await db.rows<{ org_id: string }>(sql`select org_id from tenant_stripe_connect where account_id_hash = ${accountHash(accountId)}`, tx);
  return row?.org_id ?? null;
}

/**
 * The tenant a client payment belongs to. The connected account (the
 * Connect event's `account`, or a destination charge's destination) decides;
 * the org id we put in metadata must agree with it when both are present.
 */
async function resolveTenant(db: Database, tx: Tx, event: Stripe.Event, metadataOrg: string | undefined, destination: string | null): Promise<string | null> {
  const account = event.account ?? destination;
  const byAccount = account ? await orgOfAccount(db, tx, account) : null;
  if (byAccount && metadataOrg && byAccount !== metadataOrg) return null;
  if (byAccount) return byAccount;
  if (!metadataOrg || account) return null;
  const [org] = await db.rows<{ id: string }>(sql`select id from organization where id = ${metadataOrg}`, tx);
  return org?.id ?? null;
}

interface PaymentFacts {
  orgId: string;
  invoiceId: string | null;
  paymentRequestId: string | null;
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
  amountMinor: number;
  currency: string;
}

/** Recomputes an invoice's amount paid and status from its payments. */
async function settleInvoice(db: Database, tx: Tx, invoiceId: string): Promise<void> {
  await db.rows(
    sql`update invoices i set amount_paid = p.paid,
          status = case when i.status in ('void', 'draft') then i.status
                        when p.paid >= i.total and i.total > 0 then 'paid'
                        when i.status = 'paid' then 'open' else i.status end
        from (select coalesce(sum(amount), 0) as paid from payments where invoice_id = ${invoiceId} and status = 'succeeded') p
        where i.id = ${invoiceId}`,
    tx,
  );
}

/**
 * Records a payment outcome on the tenant's payments, one row per payment
 * intent (a deterministic id, so checkout.session.completed and
 * payment_intent.succeeded for one payment are one row), then settles the
 * invoice and the payment request. A success is never turned back into a
 * failure by a late event; a refund stays a refund.
 */
async function recordPayment(db: Database, tx: Tx, facts: PaymentFacts, status: 'succeeded' | 'failed'): Promise<HandlerOutcome> {
  await actFor(db, tx, facts.orgId);
  const [invoice] = facts.invoiceId
    ? await db.rows<{ id: string }>(sql`select id from invoices where id = ${facts.invoiceId} and org_id = ${facts.orgId}`, tx)
    : [];
  const stripeRef = facts.paymentIntentId ?? facts.checkoutSessionId;
  if (!stripeRef) return { outcome: 'no_reference', orgId: facts.orgId };
  const amount = fromMinorUnits(facts.amountMinor, facts.currency);
  await db.rows(
    sql`insert into payments (id, org_id, invoice_id, amount, currency, method, status, received_at, stripe_payment_intent_id)
        values (${uuidFor(`stripe-payment:${stripeRef}`)}, ${facts.orgId}, ${invoice?.id ?? null}, ${amount}, ${facts.currency.toUpperCase()},
                'card', ${status}, ${status === 'succeeded' ? sql`now()` : null}, ${facts.paymentIntentId})
        on conflict (id) do update set
          status = case when payments.status in ('succeeded', 'refunded') then payments.status else excluded.status end,
          received_at = coalesce(payments.received_at, excluded.received_at),
          stripe_payment_intent_id = coalesce(payments.stripe_payment_intent_id, excluded.stripe_payment_intent_id)`,
    tx,
  );
  if (invoice) await settleInvoice(db, tx, invoice.id);
  if (status === 'succeeded') {
    await db.rows(
      sql`update payment_requests set status = 'paid'
          where org_id = ${facts.orgId} and status <> 'paid'
            and (id::text = ${facts.paymentRequestId ?? ''} or stripe_checkout_session_id = ${facts.checkoutSessionId ?? ''})`,
      tx,
    );
  }
  return { outcome: `payment_${status}`, orgId: facts.orgId };
}

const isClientKind = (kind: string | undefined) => kind === 'invoice' || kind === 'payment_request';

/** Handlers for tenant invoice payments; used by the Connect endpoint and, for destination charges, the provider one. */
export function clientPaymentHandlers(db: Database): Record<string, EventHandler> {
  return {
    'checkout.session.completed': async (tx, event) => {
      const s = event.data.object as Stripe.Checkout.Session;
      if (!isClientKind(s.metadata?.kind)) return { outcome: 'ignored' };
      const orgId = await resolveTenant(db, tx, event, s.metadata?.org_id, null);
      if (!orgId) return { outcome: 'unknown_tenant' };
      if (s.payment_status !== 'paid') return { outcome: 'not_paid', orgId };
      return recordPayment(db, tx, {
        orgId,
        invoiceId: s.metadata?.invoice_id ?? null,
        paymentRequestId: s.metadata?.payment_request_id ?? null,
        checkoutSessionId: s.id,
        paymentIntentId: idOf(s.payment_intent),
        amountMinor: s.amount_total ?? 0,
        currency: s.currency ?? 'usd',
      }, 'succeeded');
    },
    'payment_intent.succeeded': async (tx, event) => piHandler(db, tx, event, 'succeeded'),
    'payment_intent.payment_failed': async (tx, event) => piHandler(db, tx, event, 'failed'),
    'charge.refunded': async (tx, event) => {
      const charge = event.data.object as Stripe.Charge;
      const orgId = await resolveTenant(db, tx, event, charge.metadata?.org_id, idOf(charge.transfer_data?.destination ?? null));
      const pi = idOf(charge.payment_intent);
      if (!orgId || !pi) return { outcome: 'unknown_tenant' };
      await actFor(db, tx, orgId);
      const full = charge.amount_refunded >= charge.amount;
      const net = fromMinorUnits(charge.amount - charge.amount_refunded, charge.currency);
      const rows = await db.rows<{ invoice_id: string | null }>(
        sql`update payments set status = ${full ? 'refunded' : 'succeeded'}, amount = ${full ? sql`amount` : net}
            where org_id = ${orgId} and stripe_payment_intent_id = ${pi} returning invoice_id`,
        tx,
      );
      for (const r of rows) if (r.invoice_id) await settleInvoice(db, tx, r.invoice_id);
      return { outcome: rows.length ? (full ? 'refunded' : 'partially_refunded') : 'unknown_payment', orgId };
    },
  };
}

async function piHandler(db: Database, tx: Tx, event: Stripe.Event, status: 'succeeded' | 'failed'): Promise<HandlerOutcome> {
  const pi = event.data.object as Stripe.PaymentIntent;
  if (!isClientKind(pi.metadata?.kind)) return { outcome: 'ignored' };
  const orgId = await resolveTenant(db, tx, event, pi.metadata?.org_id, idOf(pi.transfer_data?.destination ?? null));
  if (!orgId) return { outcome: 'unknown_tenant' };
  return recordPayment(db, tx, {
    orgId,
    invoiceId: pi.metadata?.invoice_id ?? null,
    paymentRequestId: pi.metadata?.payment_request_id ?? null,
    checkoutSessionId: null,
    paymentIntentId: pi.id,
    amountMinor: status === 'succeeded' ? pi.amount_received || pi.amount : pi.amount,
    currency: pi.currency,
  }, status);
}
