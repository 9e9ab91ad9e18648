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
    // Sent without waiting for its answer (set_config('role', ..., true) is SET LOCAL ROLE):
    // fn's first statement goes out right behind it on the same connection, so the two
    // cost one round trip. A connection runs statements in the order they are issued,
    // and this one is issued first, so everything fn runs has the tenant set; if it
    // fails, fn's statements fail with it and the transaction rolls back.
    const setup = db
      .rows(
        sql`select set_config('app.org_id', ${scope.orgId}, true), set_config('app.user_id', ${scope.userId ?? ''}, true),
                   set_config('role', 'streamflow_app', true)`,
        tx,
        { prepare: true },
      )
      .then(() => undefined);
    let work: Promise<T>;
    try {
      // Promise.resolve: fn may hand back a drizzle query, a thenable that runs its
      // statement each time it is awaited; settled once here, it runs once.
      work = Promise.resolve(fn(tx));
    } catch (err) {
      await setup.catch(() => undefined);
      throw err;
    }
    // fn may refuse before its first statement (a permission check): its rejection
    // is returned to the caller below, once setup has answered, and must not count
    // as unhandled while that round trip is in flight.
    work.catch(() => undefined);
    await setup;
    return work;
  });
}

/** What tenant work hands back when its last statement may travel with `COMMIT`. */
export interface WithLast<T> {
  value: T;
  /** The transaction's last statement, issued and not yet awaited. */
  last: Promise<unknown>;
}

/**
 * `withTenant` whose work ends with a statement that is sent together with
 * `COMMIT` instead of one round trip before it. On Postgres the `COMMIT`
 * follows `last` on the same connection without waiting; if `last` failed,
 * the transaction was already aborted and Postgres answers that `COMMIT` with
 * a rollback, so `last`'s error is thrown here and nothing was kept. PGlite has
 * no round trips to save: `last` is awaited before its `COMMIT`.
 */
export async function withTenantLast<T>(db: Database, scope: TenantScope, fn: (tx: Tx) => Promise<WithLast<T>>): Promise<T> {
  let last: Promise<unknown> | undefined;
  const value = await withTenant(db, scope, async (tx) => {
    const r = await fn(tx);
    if (db.kind !== 'postgres') {
      await r.last;
      return r.value;
    }
    last = r.last;
    // Observed below, after the commit: a failure here must not count as unhandled.
    last.catch(() => undefined);
    return r.value;
  });
  await last;
  return value;
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
