import { createMiddleware } from 'hono/factory';
import type { MiddlewareHandler } from 'hono';
import type { Permission } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import type { Principal, Space, TenantPrincipal } from './principal.ts';

export const AuthErrors = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  WRONG_SPACE: 'WRONG_SPACE',
  FORBIDDEN: 'FORBIDDEN',
  NO_TENANT: 'NO_TENANT',
} as const;

/**
 * Every middleware made here is registered, so a test can walk the real
 * route table and fail on any API route that declares no guard.
 */
const GUARDS = new WeakSet<object>();

function guard(mw: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  GUARDS.add(mw);
  return mw;
}

/** True when `handler` is a guard (or the explicit public marker). */
export function isGuard(handler: unknown): boolean {
  return typeof handler === 'function' && GUARDS.has(handler);
}

/** Declares a route public on purpose (health, sign-in, webhooks verify their own signatures). */
export const publicRoute = guard(createMiddleware<AppEnv>(async (_c, next) => next()));

/** The principal of a guarded request; throws 401 if a route forgot its guard. */
export function principalOf(c: { get(key: 'principal'): Principal | undefined }): Principal {
  const p = c.get('principal');
  if (!p) throw new AppError(401, AuthErrors.UNAUTHENTICATED, 'Sign in first.');
  return p;
}

/** The principal of a tenant route (after `requireTenant`). */
export function tenantPrincipalOf(c: { get(key: 'principal'): Principal | undefined }): TenantPrincipal {
  const p = principalOf(c);
  if (!p.orgId) throw new AppError(403, AuthErrors.NO_TENANT, 'This needs an active tenant.');
  return p as TenantPrincipal;
}

/** 401 without a session. */
export const requireAuth = guard(
  createMiddleware<AppEnv>(async (c, next) => {
    principalOf(c);
    await next();
  }),
);

async function deny(deps: Pick<Deps, 'db'>, c: Parameters<MiddlewareHandler<AppEnv>>[0], p: Principal, code: string, message: string, details: Record<string, unknown>): Promise<never> {
  await recordAudit(deps.db, {
    action: `access.${c.req.method.toLowerCase()}`,
    outcome: 'denied',
    actorUserId: p.userId,
    orgId: p.orgId,
    space: p.space,
    targetTable: 'route',
    targetId: c.req.path,
    requestId: c.get('requestId'),
    details: { code, ...details },
  });
  throw new AppError(403, code, message);
}

/** Wrong space: 403 and an audit record (no session: 401). */
export function requireSpace(deps: Pick<Deps, 'db'>, ...spaces: Space[]) {
  return guard(
    createMiddleware<AppEnv>(async (c, next) => {
      const p = principalOf(c);
      if (!spaces.includes(p.space)) {
        await deny(deps, c, p, AuthErrors.WRONG_SPACE, 'This is not available in your space.', { required: spaces });
      }
      await next();
    }),
  );
}

/**
 * What `requireTenant` checks, for a principal already resolved: 401 without
 * one, 403 (audited) outside the client space or without a tenant.
 */
export async function assertTenant(deps: Pick<Deps, 'db'>, c: Parameters<MiddlewareHandler<AppEnv>>[0], p: Principal | undefined): Promise<TenantPrincipal> {
  if (!p) throw new AppError(401, AuthErrors.UNAUTHENTICATED, 'Sign in first.');
  if (p.space !== 'client') {
    await deny(deps, c, p, AuthErrors.WRONG_SPACE, 'This is not available in your space.', { required: ['client'] });
  }
  if (!p.orgId) await deny(deps, c, p, AuthErrors.NO_TENANT, 'You are not a member of any tenant.', {});
  return p as TenantPrincipal;
}

/** The client space with an active tenant; tenant work then runs through withTenant(principal.orgId). */
export function requireTenant(deps: Pick<Deps, 'db'>) {
  return guard(
    createMiddleware<AppEnv>(async (c, next) => {
      await assertTenant(deps, c, c.get('principal'));
      await next();
    }),
  );
}

/** Missing permission: 403 and an audit record. */
export function requirePerm(deps: Pick<Deps, 'db'>, ...perms: Permission[]) {
  return guard(
    createMiddleware<AppEnv>(async (c, next) => {
      const p = principalOf(c);
      const missing = perms.filter((perm) => !p.perms.has(perm));
      if (missing.length > 0) {
        await deny(deps, c, p, AuthErrors.FORBIDDEN, 'You do not have permission to do this.', { missing });
      }
      await next();
    }),
  );
}
