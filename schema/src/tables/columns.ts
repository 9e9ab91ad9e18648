import { sql } from 'drizzle-orm';
import { text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organization } from './auth.ts';

/**
 * The columns every tenant table carries (ARCHITECTURE.md, data model):
 * a client-made uuid `id`, the tenant `org_id`, server-set timestamps and
 * author, and `write_id`, the mutation that last wrote the row.
 */
export const tenantColumns = () => ({
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  orgId: text('org_id')
    .notNull()
    .references(() => organization.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
  writeId: uuid('write_id'),
});

/** Timestamp with time zone, the only kind of timestamp we store. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true });
