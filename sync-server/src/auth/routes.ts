import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { resolveEntitlements } from '@streamflow/schema';
import type { AppEnv } from '../context.ts';
import type { Database } from '../db/types.ts';
import { transitionsFrom } from '../write/rules.ts';
import type { Auth } from './better-auth.ts';
import { principalOf, publicRoute, requireAuth } from './guards.ts';

/** The tenant's opportunity stages, in order, from its template (`settings.pipeline`); empty when unset. */
export function pipelineFrom(settings: unknown): { key: string; label: string; outcome?: 'won' | 'lost' }[] {
  const stages = (settings as { pipeline?: unknown } | null)?.pipeline;
  if (!Array.isArray(stages)) return [];
  return stages.flatMap((s: unknown) => {
    const st = s as { key?: unknown; label?: unknown; outcome?: unknown };
    if (typeof st.key !== 'string' || typeof st.label !== 'string') return [];
    return [{ key: st.key, label: st.label, ...(st.outcome === 'won' || st.outcome === 'lost' ? { outcome: st.outcome } : {}) }];
  });
}

/**
 * better-auth's endpoints and `GET /api/me`: who is signed in, and for a
 * tenant member the work-order status changes the tenant allows, its
 * pipeline stages and the plan's modules (the app keeps them to offer only
 * what applies, also offline).
 */
export function authRoutes(deps: { auth: Auth; db: Database }) {
  const { auth, db } = deps;
  return new Hono<AppEnv>()
    .on(['GET', 'POST'], '/api/auth/*', publicRoute, (c) => auth.handler(c.req.raw))
    .get('/api/me', requireAuth, async (c) => {
      const p = principalOf(c);
      const [org] = p.orgId
        ? await db.rows<{ settings: unknown; plan: string; entitlements: unknown }>(sql`select settings, plan, entitlements from organization where id = ${p.orgId}`)
        : [];
      return c.json({
        id: p.userId,
        email: p.email,
        name: p.name,
        orgId: p.orgId,
        tenantId: p.orgId,
        space: p.space,
        roles: p.roles,
        perms: [...p.perms].sort(),
        workOrderTransitions: p.orgId ? transitionsFrom(org?.settings ?? null) : null,
        pipeline: p.orgId ? pipelineFrom(org?.settings ?? null) : null,
        // The plan's modules: the app leaves out the pages and shapes of modules that are off (the server refuses them anyway).
        modules: p.orgId && org ? resolveEntitlements(org.entitlements, org.plan).modules : null,
      });
    });
}
