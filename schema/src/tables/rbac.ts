import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { member } from './auth.ts';
import { tenantColumns, tstz } from './columns.ts';

/** A tenant's role (cloned from the template's defaults, then owner-edited). */
export const roles = pgTable(
  'roles',
  {
    ...tenantColumns(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    /** System roles (owner) cannot be deleted; owner cannot lose roles.manage. */
    isSystem: boolean('is_system').notNull().default(false),
    version: integer('version').notNull().default(1),
    /** Scopes this role's members are granted at once by an elevation (docs/elevation.md). */
    elevationCeiling: text('elevation_ceiling').array().notNull().default(sql`'{}'::text[]`),
    /** Scopes beyond the ceiling: `ask_owner` (an owner approves) or `refuse`. */
    elevationBeyond: text('elevation_beyond').notNull().default('ask_owner'),
  },
  (t) => [
    uniqueIndex('roles_org_key_uq').on(t.orgId, t.key),
    check('roles_elevation_beyond_ck', sql`${t.elevationBeyond} in ('ask_owner', 'refuse')`),
  ],
);

export const rolePermissions = pgTable(
  'role_permissions',
  {
    ...tenantColumns(),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    permission: text('permission').notNull(),
  },
  (t) => [uniqueIndex('role_permissions_uq').on(t.orgId, t.roleId, t.permission)],
);

export const memberRoles = pgTable(
  'member_roles',
  {
    ...tenantColumns(),
    memberId: text('member_id')
      .notNull()
      .references(() => member.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'restrict' }),
  },
  (t) => [
    uniqueIndex('member_roles_uq').on(t.orgId, t.memberId, t.roleId),
    index('member_roles_role_idx').on(t.orgId, t.roleId),
  ],
);

/** Every change to a role writes a new version: who, when, and the full permission set after it. */
export const roleVersions = pgTable(
  'role_versions',
  {
    ...tenantColumns(),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    permissions: text('permissions').array().notNull(),
    change: jsonb('change').$type<Record<string, unknown>>().notNull().default({}),
    changedBy: text('changed_by'),
  },
  (t) => [uniqueIndex('role_versions_uq').on(t.orgId, t.roleId, t.version)],
);

/**
 * A member's request for scopes beyond their roles' elevation ceiling, until
 * an owner approves (which creates the elevation and starts its clock) or
 * denies it. Never counted as a permission itself.
 */
export const elevationRequests = pgTable(
  'elevation_requests',
  {
    ...tenantColumns(),
    userId: text('user_id').notNull(),
    scopes: text('scopes').array().notNull(),
    reason: text('reason').notNull(),
    minutes: integer('minutes').notNull(),
    /** `pending` until decided; `approved`, `denied` or `cancelled` (by the requester) after. */
    status: text('status').notNull().default('pending'),
    requestedAt: tstz('requested_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: tstz('decided_at'),
    note: text('note'),
  },
  (t) => [
    index('elevation_requests_status_idx').on(t.orgId, t.status, t.requestedAt),
    check('elevation_requests_status_ck', sql`${t.status} in ('pending', 'approved', 'denied', 'cancelled')`),
  ],
);

/** Time-boxed, audited break-glass grants of extra permission scopes. */
export const elevations = pgTable(
  'elevations',
  {
    ...tenantColumns(),
    userId: text('user_id').notNull(),
    scopes: text('scopes').array().notNull(),
    reason: text('reason').notNull(),
    /** Set when provider staff impersonate a tenant user under this elevation. */
    impersonatedUserId: text('impersonated_user_id'),
    /** When its clock started (the app clock): at the grant, or at the owner's approval. */
    grantedAt: tstz('granted_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    revokedAt: tstz('revoked_at'),
    revokedBy: text('revoked_by'),
    /** The approved request this elevation came from, and who approved it (null: within the ceiling). */
    requestId: uuid('request_id').references(() => elevationRequests.id, { onDelete: 'set null' }),
    approvedBy: text('approved_by'),
  },
  (t) => [
    index('elevations_user_idx').on(t.orgId, t.userId, t.expiresAt),
    index('elevations_user_granted_idx').on(t.orgId, t.userId, t.grantedAt),
  ],
);
