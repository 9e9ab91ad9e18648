import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import type { Auth } from './better-auth.ts';
import { resolvePrincipal } from './resolve-principal.ts';
import { pickActiveTenant } from './tenancy.ts';

/**
 * Resolves `c.var.principal` from the session cookie or `Authorization:
 * Bearer` token on API and shape requests. It never rejects: guards decide.
 * The request's log lines carry the user and tenant from here on.
 */
export function sessionMiddleware(deps: { auth: Auth; db: Database; clock: Clock }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('principal', undefined);
    const path = c.req.path;
    if ((path.startsWith('/api/') && !path.startsWith('/api/auth/')) || path.startsWith('/v1/')) {
      const found = await deps.auth.api.getSession({ headers: c.req.raw.headers });
      if (found) {
        const info = {
          sessionId: found.session.id,
          userId: found.user.id,
          email: found.user.email,
          name: found.user.name,
          activeOrganizationId: (found.session as { activeOrganizationId?: string | null }).activeOrganizationId,
        };
        let principal = await resolvePrincipal(deps.db, deps.clock, info);
        if (principal.space === 'client' && !principal.orgId) {
          // No usable active tenant on the session (none yet, or a failed switch cleared it):
          // fall back to the user's last or only tenant, as at sign-in.
          const fallback = await pickActiveTenant(deps.db, info.userId);
          if (fallback) principal = await resolvePrincipal(deps.db, deps.clock, { ...info, activeOrganizationId: fallback });
        }
        c.set('principal', principal);
        c.set('log', c.get('log').child({ userId: principal.userId, tenantId: principal.orgId }));
      }
    }
    await next();
  });
}
