import { sql } from 'drizzle-orm';
import { index, integer, numeric, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { organization } from './auth.ts';
import { tenantColumns, tstz } from './columns.ts';
import { invoices } from './finance.ts';

export const PAYMENT_REQUEST_STATUSES = ['requested', 'link_ready', 'paid', 'failed'] as const;
export type PaymentRequestStatus = (typeof PAYMENT_REQUEST_STATUSES)[number];

/**
 * "Collect payment" recorded on a device, possibly offline: the app inserts a
 * row through /api/write; the server turns it into at most one Stripe
 * Checkout Session (idempotent by the row id) and writes the link back here,
 * so it reaches the device through the shape. Status, link and session id are
 * server-owned; no card data or Stripe secret is ever stored.
 */
export const paymentRequests = pgTable(
  'payment_requests',
  {
    ...tenantColumns(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    currency: text('currency').notNull().default('USD'),
    status: text('status', { enum: PAYMENT_REQUEST_STATUSES }).notNull().default('requested'),
    checkoutUrl: text('checkout_url'),
    stripeCheckoutSessionId: text('stripe_checkout_session_id'),
    /** The member who asked; defaults to the acting user of the inserting transaction. */
    requestedBy: text('requested_by').default(sql`nullif(current_setting('app.user_id', true), '')`),
    /** Why the server could not make a link (an error code), when `status` is failed. */
    failureCode: text('failure_code'),
  },
  (t) => [
    index('payment_requests_org_status_idx').on(t.orgId, t.status),
    index('payment_requests_org_invoice_idx').on(t.orgId, t.invoiceId),
  ],
);

/**
 * AI token packs credited, one row per provider Checkout Session: the
 * primary key makes a credit happen once even if Stripe reports the same
 * purchase through more than one event.
 */
export const billingTokenCredits = pgTable(
  'billing_token_credits',
  {
    checkoutSessionId: text('checkout_session_id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    pack: text('pack').notNull(),
    tokens: integer('tokens').notNull(),
    eventId: text('event_id').notNull(),
    creditedAt: tstz('credited_at').notNull().defaultNow(),
  },
  (t) => [index('billing_token_credits_org_idx').on(t.orgId)],
);
