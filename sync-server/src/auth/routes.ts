import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Database } from '../db/types.ts';
import { transitionsFrom } from '../write/rules.ts';
import type { Auth } from './better-auth.ts';
import { principalOf, publicRoute, requireAuth } from './guards.ts';

/**
 * better-auth's endpoints and `GET /api/me`: who is signed in, and for a
 * tenant member the work-order status changes the tenant allows (the app
 * keeps them to offer only valid moves, also offline).
 */
export function authRoutes(deps: { auth: Auth; db: Database }) {
  const { auth, db } = deps;
  return new Hono<AppEnv>()
    .on(['GET', 'POST'], '/api/auth/*', publicRoute, (c) => auth.handler(c.req.raw))
    .get('/api/me', requireAuth, async (c) => {
      const p = principalOf(c);
      const [org] = p.orgId ? await db.rows<{ settings: unknown }>(sql`select settings from organization where id = ${p.orgId}`) : [];
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
      });
    });
}
