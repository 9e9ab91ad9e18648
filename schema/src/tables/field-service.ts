import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tenantColumns, tstz } from './columns.ts';
import { companies, contacts } from './crm.ts';

export const WORK_ORDER_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const workOrders = pgTable(
  'work_orders',
  {
    ...tenantColumns(),
    number: text('number').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    companyId: uuid('company_id').references(() => companies.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    address: text('address'),
    scheduledStart: tstz('scheduled_start'),
    scheduledEnd: tstz('scheduled_end'),
    assigneeId: text('assignee_id'),
    /** One of the tenant template's work-order statuses. */
    status: text('status').notNull().default('scheduled'),
    priority: text('priority', { enum: WORK_ORDER_PRIORITIES }).notNull().default('normal'),
    completedAt: tstz('completed_at'),
  },
  (t) => [
    // "My next 14 days" for a field worker.
    index('work_orders_org_assignee_sched_idx').on(t.orgId, t.assigneeId, t.scheduledStart),
    index('work_orders_org_status_idx').on(t.orgId, t.status),
    index('work_orders_org_company_idx').on(t.orgId, t.companyId),
  ],
);

/** Append-only history of status changes on a work order. */
export const workOrderStatusHistory = pgTable(
  'work_order_status_history',
  {
    ...tenantColumns(),
    workOrderId: uuid('work_order_id')
      .notNull()
      .references(() => workOrders.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    changedAt: tstz('changed_at').notNull().defaultNow(),
    changedBy: text('changed_by'),
    note: text('note'),
  },
  (t) => [index('wo_status_history_idx').on(t.orgId, t.workOrderId, t.changedAt)],
);

/**
 * Clock in / clock out. Last-writer-wins by hybrid logical clock (`hlc`):
 * a worker's phone may upload stale edits long after newer ones.
 */
export const timeEntries = pgTable(
  'time_entries',
  {
    ...tenantColumns(),
    userId: text('user_id').notNull(),
    workOrderId: uuid('work_order_id').references(() => workOrders.id, { onDelete: 'set null' }),
    clockInAt: tstz('clock_in_at').notNull(),
    clockOutAt: tstz('clock_out_at'),
    breakMinutes: integer('break_minutes').notNull().default(0),
    note: text('note'),
    hlc: text('hlc'),
  },
  (t) => [
    index('time_entries_org_user_idx').on(t.orgId, t.userId, t.clockInAt),
    index('time_entries_org_wo_idx').on(t.orgId, t.workOrderId),
  ],
);
