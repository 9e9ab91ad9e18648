import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import type { PgTable } from 'drizzle-orm/pg-core';
import { activities, companies, contacts, leads, opportunities, tasks } from './tables/crm.ts';
import { timeEntries, workOrders } from './tables/field-service.ts';
import { invoiceLines, invoices, payments, quoteLines, quotes } from './tables/finance.ts';
import { paymentRequests } from './tables/billing.ts';
import type { PermissionTable } from './permissions.ts';

/**
 * How concurrent offline edits of a table are reconciled (PROTOCOL.md 2):
 * `merge` is the field-level three-way merge, `lww` is last-writer-wins by
 * hybrid logical clock.
 */
export type MergePolicy = 'merge' | 'lww';

/** Columns the server owns: a client value for them is ignored. */
export const SERVER_OWNED_FIELDS = ['org_id', 'created_at', 'updated_at', 'updated_by', 'write_id'] as const;

const serverOwned = { orgId: true, createdAt: true, updatedAt: true, updatedBy: true, writeId: true } as const;

const email = z.email().max(320);
const phone = z.string().trim().min(3).max(40);
const money = z.string().regex(/^-?\d{1,12}(\.\d{1,2})?$/, 'a decimal amount like 1234.50');
const quantity = z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, 'a decimal quantity like 1.5');
const isoTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const name = z.string().trim().min(1).max(300);

/** A table's write validators: `insert` for whole new rows, `update` for changed fields. */
export interface TableValidators {
  insert: z.ZodObject;
  update: z.ZodObject;
}

/**
 * Builds the insert validator of a table from its drizzle definition, less
 * the server-owned columns, with field refinements shared by server and app.
 * The update validator is the same with every field optional and no `id`.
 * Keys are drizzle property names (camelCase).
 */
function validators(table: PgTable, refine: Record<string, z.ZodType>): TableValidators {
  // drizzle-zod's inferred types are too deep for tsc across 13 tables; the
  // runtime schema is what matters here, typed as a plain object schema.
  const generated = createInsertSchema(table as never, refine as never) as unknown as z.ZodObject;
  const insert = generated.omit(serverOwned).strict();
  const update = insert.omit({ id: true }).partial().strict();
  return { insert, update };
}

/**
 * A payment request is made once and never edited by a client: the server
 * fills status, link and session id, and turns the row into at most one
 * Checkout Session. To ask again, make a new request.
 */
function paymentRequestValidators(): TableValidators {
  const base = validators(paymentRequests, { amount: money.refine((v) => Number(v) > 0, 'more than zero'), currency: z.string().regex(/^[A-Z]{3}$/).optional() });
  const insert = base.insert.omit({ status: true, checkoutUrl: true, stripeCheckoutSessionId: true, requestedBy: true, failureCode: true }).strict();
  return { insert, update: z.object({}).strict() };
}

/** Columns used to stamp timestamps in refinements. */
const timestamps = <K extends string>(...keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, isoTime.nullish()])) as unknown as Record<K, z.ZodType>;

export const WRITABLE_TABLES = {
  companies: {
    table: companies,
    policy: 'merge',
    permission: 'companies',
    ...validators(companies, { name, email: email.nullish(), phone: phone.nullish() }),
  },
  contacts: {
    table: contacts,
    policy: 'merge',
    permission: 'contacts',
    ...validators(contacts, { firstName: name, email: email.nullish(), phone: phone.nullish() }),
  },
  leads: {
    table: leads,
    policy: 'merge',
    permission: 'leads',
    ...validators(leads, {
      name,
      email: email.nullish(),
      phone: phone.nullish(),
      value: money.nullish(),
      score: z.number().int().min(0).max(100).optional(),
    }),
  },
  opportunities: {
    table: opportunities,
    policy: 'merge',
    permission: 'opportunities',
    ...validators(opportunities, {
      name,
      amount: money.nullish(),
      probability: z.number().int().min(0).max(100).optional(),
      expectedCloseDate: isoDate.nullish(),
      ...timestamps('closedAt'),
    }),
  },
  tasks: {
    table: tasks,
    policy: 'merge',
    permission: 'tasks',
    ...validators(tasks, { title: name, ...timestamps('dueAt', 'completedAt') }),
  },
  activities: {
    table: activities,
    policy: 'merge',
    permission: 'activities',
    ...validators(activities, { body: z.string().max(20_000).nullish(), ...timestamps('occurredAt') }),
  },
  work_orders: {
    table: workOrders,
    policy: 'merge',
    permission: 'work_orders',
    ...validators(workOrders, {
      title: name,
      ...timestamps('scheduledStart', 'scheduledEnd', 'completedAt'),
    }),
  },
  time_entries: {
    table: timeEntries,
    policy: 'lww',
    permission: 'time_entries',
    ...validators(timeEntries, {
      clockInAt: isoTime,
      breakMinutes: z.number().int().min(0).max(24 * 60).optional(),
      ...timestamps('clockOutAt'),
    }),
  },
  quotes: {
    table: quotes,
    policy: 'merge',
    permission: 'quotes',
    ...validators(quotes, { total: money.optional(), validUntil: isoDate.nullish() }),
  },
  quote_lines: {
    table: quoteLines,
    policy: 'merge',
    permission: 'quotes',
    ...validators(quoteLines, {
      quantity: quantity.optional(),
      unitPrice: money.optional(),
      amount: money.optional(),
    }),
  },
  invoices: {
    table: invoices,
    policy: 'merge',
    permission: 'invoices',
    ...validators(invoices, {
      subtotal: money.optional(),
      tax: money.optional(),
      total: money.optional(),
      amountPaid: money.optional(),
      ...timestamps('issuedAt', 'dueAt'),
    }),
  },
  invoice_lines: {
    table: invoiceLines,
    policy: 'merge',
    permission: 'invoices',
    ...validators(invoiceLines, {
      quantity: quantity.optional(),
      unitPrice: money.optional(),
      amount: money.optional(),
    }),
  },
  payments: {
    table: payments,
    policy: 'merge',
    permission: 'payments',
    ...validators(payments, { amount: money, ...timestamps('receivedAt') }),
  },
  // Billing (docs/billing.md): the app records "collect payment"; status, link and session id are the server's.
  payment_requests: {
    table: paymentRequests,
    policy: 'merge',
    permission: 'payments',
    ...paymentRequestValidators(),
  },
} as const satisfies Record<
  string,
  {
    table: PgTable;
    policy: MergePolicy;
    permission: PermissionTable;
  } & TableValidators
>;

export type WritableTableName = keyof typeof WRITABLE_TABLES;

/** True when `name` is a table the write API accepts. */
export function isWritableTable(name: string): name is WritableTableName {
  return Object.hasOwn(WRITABLE_TABLES, name);
}
