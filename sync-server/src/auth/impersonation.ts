import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ElevationErrors } from '../admin/elevation.ts';
import { checkPassword } from './password-check.ts';
import { recordAudit } from '../audit/record.ts';
import type { AppEnv, Deps } from '../context.ts';
import { withPlatform } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { readJson } from '../json-body.ts';
import { principalOf, requireAuth, requireSpace } from './guards.ts';

/** Keys whose values are masked in every JSON response to an impersonating staff member. */
const SENSITIVE = new Set(['email', 'phone']);

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SENSITIVE.has(k) && typeof v === 'string' && v ? maskText(v) : mask(v)]),
    );
  }
  return value;
}

function maskText(v: string): string {
  return v.length <= 2 ? '••' : `${v.slice(0, 1)}${'•'.repeat(Math.min(8, v.length - 2))}${v.slice(-1)}`;
}

/**
 * While provider staff impersonate a tenant user, every JSON response has
 * its sensitive fields masked and every request is audited.
 */
export function impersonationGuard(deps: Pick<Deps, 'db'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const p = c.get('principal');
    if (!p?.impersonatedBy) return;
    await recordAudit(deps.db, {
      action: 'impersonation.request',
      outcome: c.res.status < 400 ? 'allowed' : 'denied',
      actorUserId: p.impersonatedBy,
      orgId: p.orgId,
      space: 'provider',
      targetTable: 'user',
      targetId: p.userId,
      requestId: c.get('requestId'),
      details: { method: c.req.method, path: c.req.path, status: c.res.status },
    });
    if (!c.res.headers.get('content-type')?.includes('application/json')) return;
    const body: unknown = await c.res.json();
    c.res = new Response(JSON.stringify(mask(body)), { status: c.res.status, headers: c.res.headers });
  });
}

/** Provider staff start and end impersonation: an elevation with a justification and re-auth. */
export function impersonationRoutes(deps: Deps) {
  const { db, clock } = deps;
  return new Hono<AppEnv>()
    .post('/api/provider/impersonations', requireSpace(deps, 'provider'), async (c) => {
      const p = principalOf(c);
      const body = z
        .object({
          tenantId: z.string().min(1).max(64),
          userEmail: z.email(),
          reason: z.string().trim().min(10, 'justify it in a sentence').max(500),
          minutes: z.number().int().min(1).max(60),
          password: z.string().min(1).max(200),
        })
        .parse(await readJson(c));
      if (!(await checkPassword(deps, c, p.userId, body.password))) {
        await recordAudit(db, { action: 'impersonation.start', outcome: 'denied', actorUserId: p.userId, space: 'provider', requestId: c.get('requestId'), details: { reason: 'reauth failed' } });
        throw new AppError(403, ElevationErrors.REAUTH_FAILED, 'The password is not right.');
      }
      const expiresAt = new Date(clock.now().getTime() + body.minutes * 60_000).toISOString();
      const started = await withPlatform(db, { action: 'impersonation.start', actorUserId: p.userId, requestId: c.get('requestId'), details: { tenantId: body.tenantId, userEmail: body.userEmail, reason: body.reason } }, async (tx) => {
        const [target] = await db.rows<{ id: string }>(
          sql`select u.id from "user" u join member m on m.user_id = u.id where u.email = ${body.userEmail} and m.organization_id = ${body.tenantId}`,
          tx,
        );
        if (!target) throw new AppError(404, 'NOT_FOUND', 'No such user in that tenant.');
        const [row] = await db.rows<{ id: string }>(
          sql`insert into elevations (org_id, user_id, scopes, reason, impersonated_user_id, expires_at)
              values (${body.tenantId}, ${p.userId}, '{}', ${body.reason}, ${target.id}, ${expiresAt}::timestamptz) returning id`,
          tx,
        );
        return { id: row?.id ?? '', expiresAt };
      });
      return c.json(started, 201);
    })
    .delete('/api/impersonation', requireAuth, async (c) => {
      const p = principalOf(c);
      if (!p.impersonatedBy) throw new AppError(404, 'NOT_FOUND', 'You are not impersonating anyone.');
      const staff = p.impersonatedBy;
      await withPlatform(db, { action: 'impersonation.end', actorUserId: staff, requestId: c.get('requestId') }, (tx) =>
        db.rows(sql`update elevations set revoked_at = ${clock.now().toISOString()}::timestamptz, revoked_by = ${staff}
                    where user_id = ${staff} and impersonated_user_id is not null and revoked_at is null`, tx),
      );
      return c.body(null, 204);
    });
}
