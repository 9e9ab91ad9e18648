import { sql } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { moduleOfTable, resolveEntitlements, type Entitlements, type ModuleKey } from '@streamflow/schema';
import { SHAPES } from '@streamflow/shapes';
import { recordAudit } from '../audit/record.ts';
import type { AppEnv } from '../context.ts';
import type { Database, Executor } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { BillingErrors } from './errors.ts';

/**
 * The tenant's entitlements as stored by the billing webhooks, or those of
 * its plan when billing never wrote any. Read per request: a downgrade takes
 * effect on the next request, with no cache to invalidate.
 */
export async function readEntitlements(db: Database, orgId: string, ex?: Executor): Promise<Entitlements | null> {
  const [row] = await db.rows<{ plan: string; entitlements: unknown }>(
    sql`select plan, entitlements from organization where id = ${orgId}`,
    ex,
  );
  return row ? resolveEntitlements(row.entitlements, row.plan) : null;
}

/** True when the tenant may use `table` (its module is on, or it belongs to no module). */
export function tableEntitled(e: Entitlements, table: string): boolean {
  const module = moduleOfTable(table);
  return module === null || e.modules[module] === true;
}

async function refuse(db: Database, c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0], orgId: string, module: ModuleKey): Promise<never> {
  const p = c.get('principal');
  await recordAudit(db, {
    action: `access.${c.req.method.toLowerCase()}`,
    outcome: 'denied',
    actorUserId: p?.userId ?? null,
    orgId,
    space: p?.space ?? null,
    targetTable: 'route',
    targetId: c.req.path,
    requestId: c.get('requestId'),
    details: { code: BillingErrors.MODULE_NOT_ENTITLED, module },
  });
  throw new AppError(403, BillingErrors.MODULE_NOT_ENTITLED, `Your plan does not include ${module.replace('_', ' ')}.`, { module });
}

/**
 * 403 MODULE_NOT_ENTITLED (audited) when the tenant's plan has `module` off.
 * Put it after `requireTenant`; without a tenant it lets the guard answer.
 */
export function requireModule(deps: { db: Database }, module: ModuleKey) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const orgId = c.get('principal')?.orgId;
    if (orgId) {
      const e = await readEntitlements(deps.db, orgId);
      if (!e || e.modules[module] !== true) await refuse(deps.db, c, orgId, module);
    }
    await next();
  });
}

/**
 * For `GET /v1/shape` (mount with `app.use('/v1/shape', ...)` before the
 * shape routes): a shape whose table belongs to a module the plan has off
 * answers 403 MODULE_NOT_ENTITLED. Unknown names and unauthenticated
 * requests pass through to the shape route, which answers them.
 */
export function shapeEntitlements(deps: { db: Database }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const orgId = c.get('principal')?.orgId;
    const name = c.req.query('table');
    if (c.req.method === 'GET' && orgId && name && Object.hasOwn(SHAPES, name)) {
      const table = SHAPES[name as keyof typeof SHAPES].table;
      const module = moduleOfTable(table);
      if (module) {
        const e = await readEntitlements(deps.db, orgId);
        if (!e || e.modules[module] !== true) await refuse(deps.db, c, orgId, module);
      }
    }
    await next();
  });
}
