import { index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { organization } from './auth.ts';
import { tstz } from './columns.ts';

/**
 * The mutation ledger of POST /api/write: every mutation id ever processed,
 * with its outcome, so a mutation replayed in any later batch answers
 * `duplicate` with the original outcome instead of applying twice.
 */
export const writeMutations = pgTable(
  'write_mutations',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    tableName: text('table_name').notNull(),
    rowId: uuid('row_id').notNull(),
    outcome: jsonb('outcome').$type<Record<string, unknown>>(),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('write_mutations_created_idx').on(t.createdAt),
    // Last-writer-wins tombstones: deletes of a row are looked up by row id.
    index('write_mutations_row_idx').on(t.orgId, t.rowId),
  ],
);
