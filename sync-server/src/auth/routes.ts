import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Auth } from './better-auth.ts';
import { principalOf, publicRoute, requireAuth } from './guards.ts';

/** better-auth's endpoints and `GET /api/me`. */
export function authRoutes(auth: Auth) {
  return new Hono<AppEnv>()
    .on(['GET', 'POST'], '/api/auth/*', publicRoute, (c) => auth.handler(c.req.raw))
    .get('/api/me', requireAuth, (c) => {
      const p = principalOf(c);
      return c.json({
        id: p.userId,
        email: p.email,
        name: p.name,
        orgId: p.orgId,
        tenantId: p.orgId,
        space: p.space,
        roles: p.roles,
        perms: [...p.perms].sort(),
      });
    });
}
