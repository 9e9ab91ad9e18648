import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, numeric, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tenantColumns, tstz } from './columns.ts';

type Custom = Record<string, unknown>;

export const companies = pgTable(
  'companies',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    domain: text('domain'),
    email: text('email'),
    phone: text('phone'),
    address: text('address'),
    industry: text('industry'),
    ownerId: text('owner_id'),
    custom: jsonb('custom').$type<Custom>().notNull().default({}),
  },
  (t) => [
    index('companies_org_name_idx').on(t.orgId, t.name),
    index('companies_org_updated_idx').on(t.orgId, t.updatedAt),
    index('companies_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    ...tenantColumns(),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull().default(''),
    email: text('email'),
    phone: text('phone'),
    title: text('title'),
    ownerId: text('owner_id'),
    custom: jsonb('custom').$type<Custom>().notNull().default({}),
  },
  (t) => [
    index('contacts_org_company_idx').on(t.orgId, t.companyId),
    index('contacts_org_email_idx').on(t.orgId, t.email),
    index('contacts_org_updated_idx').on(t.orgId, t.updatedAt),
    index('contacts_name_trgm_idx').using(
      'gin',
      sql`(${t.firstName} || ' ' || ${t.lastName}) gin_trgm_ops`,
    ),
  ],
);

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'converted'] as const;

export const leads = pgTable(
  'leads',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    companyName: text('company_name'),
    email: text('email'),
    phone: text('phone'),
    source: text('source'),
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('new'),
    score: integer('score').notNull().default(0),
    value: numeric('value', { precision: 14, scale: 2 }),
    assigneeId: text('assignee_id'),
    notes: text('notes'),
    convertedOpportunityId: uuid('converted_opportunity_id'),
    custom: jsonb('custom').$type<Custom>().notNull().default({}),
  },
  (t) => [
    index('leads_org_status_idx').on(t.orgId, t.status, t.updatedAt),
    index('leads_org_assignee_idx').on(t.orgId, t.assigneeId),
    index('leads_org_updated_idx').on(t.orgId, t.updatedAt),
    // Dedupe on email / phone (PRODUCT.md 7) looks these up per tenant.
    index('leads_org_email_idx').on(t.orgId, t.email),
    index('leads_org_phone_idx').on(t.orgId, t.phone),
    index('leads_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

export const opportunities = pgTable(
  'opportunities',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    leadId: uuid('lead_id').references(() => leads.id, { onDelete: 'set null' }),
    /** A stage of the tenant's pipeline, from its industry template. */
    stage: text('stage').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }),
    currency: text('currency').notNull().default('USD'),
    probability: integer('probability').notNull().default(0),
    expectedCloseDate: date('expected_close_date'),
    ownerId: text('owner_id'),
    closedAt: tstz('closed_at'),
  },
  (t) => [
    index('opportunities_org_stage_idx').on(t.orgId, t.stage),
    index('opportunities_org_updated_idx').on(t.orgId, t.updatedAt),
  ],
);

export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;

export const tasks = pgTable(
  'tasks',
  {
    ...tenantColumns(),
    title: text('title').notNull(),
    description: text('description'),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('open'),
    priority: text('priority', { enum: ['low', 'normal', 'high'] }).notNull().default('normal'),
    dueAt: tstz('due_at'),
    completedAt: tstz('completed_at'),
    assigneeId: text('assignee_id'),
    /** The record this task is about: a table name of ours and its id. */
    relatedTable: text('related_table'),
    relatedId: uuid('related_id'),
  },
  (t) => [
    index('tasks_org_assignee_due_idx').on(t.orgId, t.assigneeId, t.dueAt),
    index('tasks_org_related_idx').on(t.orgId, t.relatedTable, t.relatedId),
  ],
);

export const ACTIVITY_KINDS = ['note', 'call', 'email', 'meeting'] as const;

export const activities = pgTable(
  'activities',
  {
    ...tenantColumns(),
    kind: text('kind', { enum: ACTIVITY_KINDS }).notNull(),
    subject: text('subject'),
    body: text('body'),
    occurredAt: tstz('occurred_at').notNull().defaultNow(),
    actorId: text('actor_id'),
    relatedTable: text('related_table'),
    relatedId: uuid('related_id'),
  },
  (t) => [
    index('activities_org_related_idx').on(t.orgId, t.relatedTable, t.relatedId, t.occurredAt),
    index('activities_org_occurred_idx').on(t.orgId, t.occurredAt),
  ],
);
