import { getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import {
  activities,
  companies,
  contacts,
  invoiceLines,
  invoices,
  leads,
  opportunities,
  paymentRequests,
  payments,
  quoteLines,
  quotes,
  tasks,
  timeEntries,
  workOrderStatusHistory,
  workOrders,
  type Permission,
} from '@streamflow/schema';

/** What a shape's WHERE may depend on: the session's tenant and user only. */
export interface ShapeRequestContext {
  orgId: string;
  userId: string;
  perms: ReadonlySet<Permission>;
  /** Role keys in the tenant; no shape depends on them yet. */
  roles?: readonly string[];
}

/**
 * A shape whose WHERE reads another table through a subquery (a worker's
 * customers are those on their open work orders). A change of `table` that
 * moves a `key` value into or out of the rows matching `where` changes the
 * shape's rows without touching them: the engine answers must-refetch.
 */
export interface ShapeDependency {
  table: string;
  /** WHERE on the dependency table, with the shape's positional parameters. */
  where: string;
  /** The dependency column whose values the shape's subquery selects. */
  key: string;
}

export interface ShapeDefinition {
  /** The server table the shape reads. */
  table: string;
  drizzle: PgTable;
  /** The permission a caller needs. */
  permission: Permission;
  /** The WHERE clause with positional parameters; `params` gives their values in order. */
  where: string;
  params: (ctx: ShapeRequestContext) => string[];
  dependsOn?: ShapeDependency;
}

const OPEN_WORK = `status not in ('done', 'cancelled')`;
const MY_OPEN_WORK = `org_id = $1 and assignee_id = $2 and ${OPEN_WORK}`;
const tenantShape = (table: string, drizzle: PgTable, permission: Permission): ShapeDefinition => ({
  table,
  drizzle,
  permission,
  where: 'org_id = $1',
  params: (ctx) => [ctx.orgId],
});

export const SHAPES = {
  companies: tenantShape('companies', companies, 'companies.read'),
  contacts: tenantShape('contacts', contacts, 'contacts.read'),
  leads: tenantShape('leads', leads, 'leads.read'),
  opportunities: tenantShape('opportunities', opportunities, 'opportunities.read'),
  tasks: tenantShape('tasks', tasks, 'tasks.read'),
  activities: tenantShape('activities', activities, 'activities.read'),
  work_orders: tenantShape('work_orders', workOrders, 'work_orders.read'),
  work_order_status_history: tenantShape('work_order_status_history', workOrderStatusHistory, 'work_orders.read'),
  time_entries: tenantShape('time_entries', timeEntries, 'time_entries.read'),
  quotes: tenantShape('quotes', quotes, 'quotes.read'),
  quote_lines: tenantShape('quote_lines', quoteLines, 'quotes.read'),
  invoices: tenantShape('invoices', invoices, 'invoices.read'),
  invoice_lines: tenantShape('invoice_lines', invoiceLines, 'invoices.read'),
  payments: tenantShape('payments', payments, 'payments.read'),
  // "Collect payment" requests made offline; the server writes the Checkout link back (docs/billing.md).
  payment_requests: tenantShape('payment_requests', paymentRequests, 'payments.read'),
  // A field worker's slice: open work orders assigned to them, the customers on those, their own time.
  my_work_orders: {
    table: 'work_orders',
    drizzle: workOrders,
    permission: 'work_orders.read',
    where: MY_OPEN_WORK,
    params: (ctx) => [ctx.orgId, ctx.userId],
  },
  my_companies: {
    table: 'companies',
    drizzle: companies,
    permission: 'companies.read',
    where: `org_id = $1 and id in (select company_id from work_orders where org_id = $1 and assignee_id = $2 and ${OPEN_WORK})`,
    params: (ctx) => [ctx.orgId, ctx.userId],
    dependsOn: { table: 'work_orders', where: MY_OPEN_WORK, key: 'company_id' },
  },
  my_contacts: {
    table: 'contacts',
    drizzle: contacts,
    permission: 'contacts.read',
    where: `org_id = $1 and id in (select contact_id from work_orders where org_id = $1 and assignee_id = $2 and ${OPEN_WORK})`,
    params: (ctx) => [ctx.orgId, ctx.userId],
    dependsOn: { table: 'work_orders', where: MY_OPEN_WORK, key: 'contact_id' },
  },
  my_time_entries: {
    table: 'time_entries',
    drizzle: timeEntries,
    permission: 'time_entries.read',
    where: 'org_id = $1 and user_id = $2',
    params: (ctx) => [ctx.orgId, ctx.userId],
  },
} as const satisfies Record<string, ShapeDefinition>;

export type ShapeName = keyof typeof SHAPES;

/** The local table each shape fills (a device subscribes to one shape per table). */
export const LOCAL_TABLE_OF: Record<ShapeName, string> = Object.fromEntries(
  Object.entries(SHAPES).map(([name, def]) => [name, def.table]),
) as Record<ShapeName, string>;

export interface ResolvedShape {
  name: ShapeName;
  table: string;
  columns: string[];
  primaryKey: string[];
  where: string;
  params: string[];
  dependsOn?: ShapeDependency;
}

/**
 * Resolves a shape name for a caller: `unknown` for a name that is not a
 * shape, `forbidden` when the caller lacks its permission.
 */
export function resolveShape(name: string, ctx: ShapeRequestContext): ResolvedShape | 'unknown' | 'forbidden' {
  if (!Object.hasOwn(SHAPES, name)) return 'unknown';
  const def: ShapeDefinition = SHAPES[name as ShapeName];
  if (!ctx.perms.has(def.permission)) return 'forbidden';
  return {
    name: name as ShapeName,
    table: def.table,
    columns: Object.values(getTableColumns(def.drizzle)).map((c) => c.name),
    primaryKey: ['id'],
    where: def.where,
    params: def.params(ctx),
    ...(def.dependsOn ? { dependsOn: def.dependsOn } : {}),
  };
}

/**
 * The shapes a caller should sync, one per local table: the whole-tenant shape
 * where the role can read it all, else the worker's own slice.
 */
export function shapesFor(ctx: ShapeRequestContext, restrictedWorker: boolean): ShapeName[] {
  const names = (Object.keys(SHAPES) as ShapeName[]).filter((n) => ctx.perms.has(SHAPES[n].permission));
  const mine = new Set(names.filter((n) => n.startsWith('my_')).map((n) => SHAPES[n].table));
  return names.filter((n) => (restrictedWorker ? n.startsWith('my_') || !mine.has(SHAPES[n].table) : !n.startsWith('my_')));
}
