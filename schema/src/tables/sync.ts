import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';

/** Postgres `xid8`: a 64-bit transaction id that never wraps (PG13+). Read as a decimal string. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

type Row = Record<string, unknown>;

/**
 * The change log behind the built-in shape engine (docs/sync.md). A trigger on
 * every synced table appends one entry per changed row, in the writing
 * transaction. `seq` is insert order only, never served as a position: the
 * serving position is the commit's `lsn` (`sync_commits`).
 */
export const syncChangeLog = pgTable(
  'sync_change_log',
  {
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    orgId: text('org_id').notNull(),
    tbl: text('tbl').notNull(),
    /** insert | update | delete */
    op: text('op').notNull(),
    pk: text('pk').notNull(),
    /** `to_jsonb(NEW)`; null for deletes. */
    newRow: jsonb('new_row').$type<Row>(),
    /** `to_jsonb(OLD)`; null for inserts. */
    oldRow: jsonb('old_row').$type<Row>(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('sync_change_log_xid_idx').on(t.xid, t.seq), index('sync_change_log_created_idx').on(t.createdAt)],
);

/**
 * One row per writing transaction. `lsn` is assigned at commit time under a
 * global lock (a deferred constraint trigger), so lsn order is commit order
 * and the committed lsns always form a prefix: no entry can later appear at or
 * below an lsn already visible.
 */
export const syncCommits = pgTable(
  'sync_commits',
  {
    xid: xid8('xid').primaryKey(),
    lsn: bigint('lsn', { mode: 'bigint' }).unique(),
    committedAt: tstz('committed_at'),
  },
  (t) => [index('sync_commits_committed_idx').on(t.committedAt)],
);

/** Shape handles handed to clients; an unknown handle means must-refetch. */
export const syncShapeHandles = pgTable(
  'sync_shape_handles',
  {
    handle: text('handle').primaryKey(),
    orgId: text('org_id').notNull(),
    shapeName: text('shape_name').notNull(),
    /** Hash of the resolved shape (table, columns, WHERE, params). */
    shapeKey: text('shape_key').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('sync_shape_handles_key_idx').on(t.shapeKey, t.createdAt)],
);

/** Singleton engine state: the database epoch (part of every handle) and the retention horizon. */
export const syncState = pgTable('sync_state', {
  id: integer('id').primaryKey().default(1),
  epoch: text('epoch').notNull().default(sql`replace(gen_random_uuid()::text, '-', '')`),
  /** Every commit with lsn <= this was pruned: older offsets must refetch. */
  prunedThroughLsn: bigint('pruned_through_lsn', { mode: 'bigint' }).notNull().default(sql`0`),
});
