import {
  activities,
  companies,
  contacts,
  invoiceLines,
  invoices,
  leads,
  opportunities,
  payments,
  quoteLines,
  quotes,
  tasks,
  timeEntries,
  workOrderStatusHistory,
  workOrders,
} from '@streamflow/schema';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * The tables the app keeps locally. `writable` ones get a local overlay and
 * an outbox (UI writes go through their view); the others are read-only
 * mirrors of what the server streams.
 */
export const LOCAL_TABLES: Record<string, { table: PgTable; writable: boolean }> = {
  companies: { table: companies, writable: true },
  contacts: { table: contacts, writable: true },
  leads: { table: leads, writable: true },
  opportunities: { table: opportunities, writable: true },
  tasks: { table: tasks, writable: true },
  activities: { table: activities, writable: true },
  work_orders: { table: workOrders, writable: true },
  work_order_status_history: { table: workOrderStatusHistory, writable: false },
  time_entries: { table: timeEntries, writable: true },
  quotes: { table: quotes, writable: true },
  quote_lines: { table: quoteLines, writable: true },
  invoices: { table: invoices, writable: false },
  invoice_lines: { table: invoiceLines, writable: false },
  payments: { table: payments, writable: false },
};

/** Columns the server owns; never sent in a mutation's values. */
export const SERVER_OWNED = new Set(['org_id', 'created_at', 'updated_at', 'updated_by', 'write_id']);
