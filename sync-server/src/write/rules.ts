import type { TenantPrincipal } from '../auth/principal.ts';

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
