import { doublePrecision, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';

/** Token buckets shared by every sync-server instance (RATE_LIMIT_STORE=postgres). */
export const rateLimitBuckets = pgTable('rate_limit_buckets', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  at: tstz('at').notNull(),
});
