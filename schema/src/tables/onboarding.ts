import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { organization } from './auth.ts';
import { tstz } from './columns.ts';

/**
 * A tenant's logo, uploaded in the onboarding wizard. Kept in the database
 * (base64, at most a few hundred KB, type checked from its magic bytes) so
 * backups and several server instances need no shared disk.
 */
export const tenantLogos = pgTable('tenant_logos', {
  orgId: text('org_id')
    .primaryKey()
    .references(() => organization.id, { onDelete: 'cascade' }),
  contentType: text('content_type').notNull(),
  byteSize: integer('byte_size').notNull(),
  dataBase64: text('data_base64').notNull(),
  /** Short content hash, used as a cache buster in the logo URL. */
  etag: text('etag').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
