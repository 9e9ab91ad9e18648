import { date, index, integer, numeric, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantColumns, tstz } from './columns.ts';
import { companies, contacts, opportunities } from './crm.ts';
import { workOrders } from './field-service.ts';

const money = (name: string) => numeric(name, { precision: 14, scale: 2 });

export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'expired'] as const;

export const quotes = pgTable(
  'quotes',
  {
    ...tenantColumns(),
    number: text('number').notNull(),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    opportunityId: uuid('opportunity_id').references(() => opportunities.id, { onDelete: 'set null' }),
    status: text('status', { enum: QUOTE_STATUSES }).notNull().default('draft'),
    currency: text('currency').notNull().default('USD'),
    total: money('total').notNull().default('0'),
    validUntil: date('valid_until'),
    notes: text('notes'),
  },
  (t) => [
    uniqueIndex('quotes_org_number_uq').on(t.orgId, t.number),
    index('quotes_org_status_idx').on(t.orgId, t.status),
  ],
);

export const quoteLines = pgTable(
  'quote_lines',
  {
    ...tenantColumns(),
    quoteId: uuid('quote_id')
      .notNull()
      .references(() => quotes.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 12, scale: 3 }).notNull().default('1'),
    unitPrice: money('unit_price').notNull().default('0'),
    amount: money('amount').notNull().default('0'),
  },
  (t) => [index('quote_lines_quote_idx').on(t.orgId, t.quoteId, t.position)],
);

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;

export const invoices = pgTable(
  'invoices',
  {
    ...tenantColumns(),
    number: text('number').notNull(),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    workOrderId: uuid('work_order_id').references(() => workOrders.id, { onDelete: 'set null' }),
    quoteId: uuid('quote_id').references(() => quotes.id, { onDelete: 'set null' }),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('draft'),
    currency: text('currency').notNull().default('USD'),
    subtotal: money('subtotal').notNull().default('0'),
    tax: money('tax').notNull().default('0'),
    total: money('total').notNull().default('0'),
    amountPaid: money('amount_paid').notNull().default('0'),
    issuedAt: tstz('issued_at'),
    dueAt: tstz('due_at'),
    /** Stripe Checkout link for "get paid", filled by the server (billing). */
    paymentUrl: text('payment_url'),
    stripeCheckoutSessionId: text('stripe_checkout_session_id'),
  },
  (t) => [
    uniqueIndex('invoices_org_number_uq').on(t.orgId, t.number),
    index('invoices_org_status_idx').on(t.orgId, t.status, t.dueAt),
    index('invoices_org_company_idx').on(t.orgId, t.companyId),
  ],
);

export const invoiceLines = pgTable(
  'invoice_lines',
  {
    ...tenantColumns(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 12, scale: 3 }).notNull().default('1'),
    unitPrice: money('unit_price').notNull().default('0'),
    amount: money('amount').notNull().default('0'),
  },
  (t) => [index('invoice_lines_invoice_idx').on(t.orgId, t.invoiceId, t.position)],
);

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'refunded'] as const;

export const payments = pgTable(
  'payments',
  {
    ...tenantColumns(),
    invoiceId: uuid('invoice_id').references(() => invoices.id, { onDelete: 'set null' }),
    amount: money('amount').notNull(),
    currency: text('currency').notNull().default('USD'),
    method: text('method', { enum: ['card', 'cash', 'check', 'bank_transfer', 'other'] })
      .notNull()
      .default('card'),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull().default('pending'),
    receivedAt: tstz('received_at'),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
  },
  (t) => [
    index('payments_org_invoice_idx').on(t.orgId, t.invoiceId),
    index('payments_org_received_idx').on(t.orgId, t.receivedAt),
  ],
);
