import type { TenantPrincipal } from '../auth/principal.ts';
import { SHAPES, type ShapeDefinition } from '@streamflow/shapes';

/** Allowed work-order status changes when the tenant's template does not say. */
export const DEFAULT_WORK_ORDER_TRANSITIONS: Record<string, string[]> = {
  scheduled: ['in_progress', 'cancelled'],
  in_progress: ['paused', 'done', 'cancelled'],
  paused: ['in_progress', 'cancelled'],
  done: [],
  cancelled: [],
};

/** Reads `settings.workOrderTransitions` (from the industry template) when it is well formed. */
export function transitionsFrom(settings: unknown): Record<string, string[]> {
  const t = (settings as { workOrderTransitions?: unknown } | null)?.workOrderTransitions;
  if (t && typeof t === 'object' && Object.values(t).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'))) {
    return t as Record<string, string[]>;
  }
  return DEFAULT_WORK_ORDER_TRANSITIONS;
}

/**
 * Field workers only touch what is theirs: work orders assigned to them and
 * their own time entries. A principal is restricted when every role it has
 * is `worker`.
 */
export function isRestrictedWorker(p: TenantPrincipal): boolean {
  return p.roles.length > 0 && p.roles.every((r) => r === 'worker');
}

/** The column that names a row's owner for restricted workers, per table. */
export const OWNER_COLUMN: Partial<Record<string, string>> = {
  work_orders: 'assignee_id',
  time_entries: 'user_id',
};

/**
 * Fields a restricted worker may neither set on a new record nor change on
 * an existing one, per table: the keys the worker slices read through a
 * subquery (`dependsOn` in shapes/, e.g. a job's `company_id` decides which
 * customers `my_companies` holds). A worker who could re-point their job
 * could read any customer. Derived from the shapes, so a new slice
 * dependency is covered as soon as it is declared.
 */
export const WORKER_FIXED_FIELDS: Partial<Record<string, readonly string[]>> = (() => {
  const out: Record<string, string[]> = {};
  for (const def of Object.values(SHAPES) as ShapeDefinition[]) {
    if (!def.dependsOn) continue;
    const fields = (out[def.dependsOn.table] ??= []);
    if (!fields.includes(def.dependsOn.key)) fields.push(def.dependsOn.key);
  }
  return out;
})();

/**
 * Columns that name a user, per table: each value written there must be a
 * member of the tenant (a stray id would assign work to no one, or to
 * someone of another tenant). Checked on create and when changed.
 */
export const MEMBER_COLUMNS: Partial<Record<string, readonly string[]>> = {
  companies: ['owner_id'],
  contacts: ['owner_id'],
  leads: ['assignee_id'],
  opportunities: ['owner_id'],
  tasks: ['assignee_id'],
  work_orders: ['assignee_id'],
  time_entries: ['user_id'],
};
