import { sql } from 'drizzle-orm';
import type { Database, Tx } from './types.ts';

/** Who a tenant transaction acts for. The tenant always comes from the session. */
export interface TenantScope {
  orgId: string;
  userId?: string | null;
}

/**
 * Runs `fn` in a transaction as the non-owner role `streamflow_app` with the
 * tenant set (`app.org_id`) for row-level security: any query inside sees and
 * changes only this tenant's rows, even one without `WHERE org_id`.
 */
export function withTenant<T>(db: Database, scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.orm.transaction(async (tx) => {
    // One round trip: set_config('role', ..., true) is SET LOCAL ROLE.
    await tx.execute(
      sql`select set_config('app.org_id', ${scope.orgId}, true), set_config('app.user_id', ${scope.userId ?? ''}, true),
                 set_config('role', 'streamflow_app', true)`,
    );
    return fn(tx);
  });
}

/** Why a platform transaction crosses tenants; recorded in the audit log. */
export interface PlatformPurpose {
  action: string;
  actorUserId?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * The explicit, audited path for platform work that must cross tenants
 * (provisioning, billing webhooks, provider staff views, jobs). Runs as the
 * table owner, so RLS does not apply; every use leaves an audit record in
 * the same transaction.
 */
export function withPlatform<T>(db: Database, purpose: PlatformPurpose, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.orm.transaction(async (tx) => {
    await tx.execute(sql`
      insert into audit_log (request_id, actor_user_id, space, action, outcome, details)
      values (${purpose.requestId ?? null}, ${purpose.actorUserId ?? null}, 'platform',
              ${`platform.${purpose.action}`}, 'allowed', ${JSON.stringify(purpose.details ?? {})}::jsonb)`);
    return fn(tx);
  });
}
