import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import type { Auth } from './better-auth.ts';
import type { Principal } from './principal.ts';
import { principalCacheOf } from './principal-cache.ts';
import { resolvePrincipal } from './resolve-principal.ts';
import { pickActiveTenant } from './tenancy.ts';

export interface SessionDeps {
  auth: Auth;
  db: Database;
  clock: Clock;
}

/**
 * The principal of a request's session, looked up now (better-auth's session
 * lookup, then the principal query). When it is a plain tenant member in the
 * session's own active tenant it is also remembered for the write path (see
 * principal-cache.ts).
 */
export async function resolveRequestPrincipal(deps: SessionDeps, headers: Headers): Promise<Principal | undefined> {
  const found = await deps.auth.api.getSession({ headers });
  if (!found) return undefined;
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
  const cacheable =
    principal.space === 'client' && principal.orgId !== null && principal.orgId === info.activeOrganizationId && !principal.impersonatedBy;
  const cache = principalCacheOf(deps.auth);
  const key = cache.keyOf(headers);
  if (key) {
    if (cacheable) cache.set(key, principal, deps.clock.now().getTime());
    else cache.forget(key);
  }
  return principal;
}

/** Only `POST /api/write` takes a cached principal: its batch verifies it in its own transaction. */
function usesCache(method: string, path: string): boolean {
  return method === 'POST' && path === '/api/write';
}

/**
 * Resolves `c.var.principal` from the session cookie or `Authorization:
 * Bearer` token on API and shape requests. It never rejects: guards decide.
 * The request's log lines carry the user and tenant from here on.
 */
export function sessionMiddleware(deps: SessionDeps) {
  const cache = principalCacheOf(deps.auth);
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('principal', undefined);
    const path = c.req.path;
    if (path.startsWith('/api/auth/')) {
      // Sign-out, a tenant switch and the like change the session: drop what this
      // process remembers for it, before and after (a write racing it verifies anyway).
      const key = cache.keyOf(c.req.raw.headers);
      if (key) cache.forget(key);
      await next();
      if (key) cache.forget(key);
      return;
    }
    if (path.startsWith('/api/') || path.startsWith('/v1/')) {
      const headers = c.req.raw.headers;
      const key = usesCache(c.req.method, path) ? cache.keyOf(headers) : null;
      const principal = (key ? cache.get(key, deps.clock.now().getTime()) : undefined) ?? (await resolveRequestPrincipal(deps, headers));
      if (principal) {
        c.set('principal', principal);
        c.set('log', c.get('log').child({ userId: principal.userId, tenantId: principal.orgId }));
      }
    }
    await next();
  });
}
