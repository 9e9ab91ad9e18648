import type { PgTable } from 'drizzle-orm/pg-core';
import { SERVER_OWNED_FIELDS } from '@streamflow/schema';
import { SHAPES } from '@streamflow/shapes';

/** Tables the app only reads: finance records change on the server (billing, invoicing). */
const READ_ONLY = new Set(['work_order_status_history', 'invoices', 'invoice_lines', 'payments']);

/**
 * The tables the app keeps locally: one per table any named shape fills.
 * `writable` ones get a local overlay and an outbox (UI writes go through
 * their view); the others are read-only mirrors of what the server streams.
 */
export const LOCAL_TABLES: Record<string, { table: PgTable; writable: boolean }> = Object.fromEntries(
  Object.values(SHAPES).map((s) => [s.table, { table: s.drizzle, writable: !READ_ONLY.has(s.table) }]),
);

/** Columns the server owns; never sent in a mutation's values. */
export const SERVER_OWNED: ReadonlySet<string> = new Set(SERVER_OWNED_FIELDS);
