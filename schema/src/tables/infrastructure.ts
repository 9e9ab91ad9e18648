import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { organization } from './auth.ts';
import { tstz } from './columns.ts';

type Json = Record<string, unknown>;

/**
 * Stored responses of `POST /api/write` batches, per tenant and key, kept at
 * least 72 h (PROTOCOL.md section 2).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organization.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    userId: text('user_id'),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    response: jsonb('response').$type<Json>().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/** One structured record per request that matters (PRODUCT.md 10). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    at: tstz('at').notNull().defaultNow(),
    requestId: text('request_id'),
    actorUserId: text('actor_user_id'),
    /** Null for platform-level events (a denied request with no tenant, provisioning start). */
    orgId: text('org_id'),
    space: text('space'),
    action: text('action').notNull(),
    targetTable: text('target_table'),
    targetId: text('target_id'),
    outcome: text('outcome', { enum: ['allowed', 'denied', 'succeeded', 'failed'] }).notNull(),
    details: jsonb('details').$type<Json>().notNull().default({}),
  },
  (t) => [
    index('audit_log_org_at_idx').on(t.orgId, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
  ],
);

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'dead'] as const;

/** Background jobs: email, federation handshakes, imports, pruning. Retried with backoff. */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    kind: text('kind').notNull(),
    orgId: text('org_id'),
    payload: jsonb('payload').$type<Json>().notNull().default({}),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    runAt: tstz('run_at').notNull().defaultNow(),
    lockedAt: tstz('locked_at'),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    /** Makes enqueueing idempotent: one job per key. */
    dedupeKey: text('dedupe_key').unique(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('jobs_claim_idx').on(t.status, t.runAt)],
);

/** Stripe webhook events, by event id, so each is processed exactly once. */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    endpoint: text('endpoint', { enum: ['provider', 'connect'] }).notNull(),
    type: text('type').notNull(),
    account: text('account'),
    payload: jsonb('payload').$type<Json>().notNull(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    processedAt: tstz('processed_at'),
  },
  (t) => [index('stripe_events_type_idx').on(t.type, t.receivedAt)],
);

/** A tenant's Stripe Connect Express account; the account id is AES-256-GCM ciphertext. */
export const tenantStripeConnect = pgTable('tenant_stripe_connect', {
  orgId: text('org_id')
    .primaryKey()
    .references(() => organization.id, { onDelete: 'cascade' }),
  accountIdEnc: text('account_id_enc').notNull(),
  /** SHA-256 (hex) of the account id: finds the tenant of a Connect event without decrypting every row. */
  accountIdHash: text('account_id_hash').unique(),
  connectStatus: text('connect_status', {
    enum: ['pending', 'active', 'restricted', 'deauthorized'],
  })
    .notNull()
    .default('pending'),
  detailsSubmitted: boolean('details_submitted').notNull().default(false),
  chargesEnabled: boolean('charges_enabled').notNull().default(false),
  payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/** Nonces of signed federation / provisioning requests, for replay protection. */
export const federationNonces = pgTable(
  'federation_nonces',
  {
    nonce: text('nonce').primaryKey(),
    keyId: text('key_id').notNull(),
    seenAt: tstz('seen_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [index('federation_nonces_expires_idx').on(t.expiresAt)],
);
