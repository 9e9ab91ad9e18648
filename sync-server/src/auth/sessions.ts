import { sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/record.ts';
import type { AppEnv, Deps } from '../context.ts';
import type { Database } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { principalOf, requireAuth, requirePerm, requireTenant, tenantPrincipalOf } from './guards.ts';

export const SessionErrors = {
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  OWNER_SESSIONS: 'OWNER_SESSIONS',
} as const;

/** A session as listed: never its token. */
export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
  /** The tenant the session works in (its active organization). */
  tenantId: string | null;
  /** True for the session of the request that lists them. */
  current: boolean;
}

/** A user or session id from the path: better-auth's ids are short printable tokens (no NUL reaches SQL). */
const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'not an id');

async function sessionsOf(db: Database, userId: string, currentId: string | null, nowIso: string): Promise<SessionView[]> {
  const rows = await db.rows<{ id: string; created_at: string | Date; updated_at: string | Date; expires_at: string | Date; ip_address: string | null; user_agent: string | null; active_organization_id: string | null }>(
    sql`select id, created_at, updated_at, expires_at, ip_address, user_agent, active_organization_id from session
        where user_id = ${userId} and expires_at > ${nowIso}::timestamptz order by updated_at desc`,
  );
  const iso = (v: string | Date) => new Date(v).toISOString();
  return rows.map((r) => ({
    id: r.id,
    createdAt: iso(r.created_at),
    lastSeenAt: iso(r.updated_at),
    expiresAt: iso(r.expires_at),
    ipAddress: r.ip_address,
    userAgent: r.user_agent,
    tenantId: r.active_organization_id,
    current: r.id === currentId,
  }));
}

/** Deletes sessions of `userId` (one, or all but `keep`); answers how many ended. Effective at once: every request looks its session up. */
async function revoke(db: Database, userId: string, which: { sessionId: string } | { keep: string | null }): Promise<number> {
  const rows =
    'sessionId' in which
      ? await db.rows<{ id: string }>(sql`delete from session where user_id = ${userId} and id = ${which.sessionId} returning id`)
      : await db.rows<{ id: string }>(sql`delete from session where user_id = ${userId} and id is distinct from ${which.keep} returning id`);
  return rows.length;
}

/**
 * Sessions, seen and ended by their owner or by a tenant admin (the lost
 * phone). Listings never carry tokens; revoking deletes the session row, so
 * the next request on it (any route, any instance, the write path too) is
 * signed out. All revocations are audited.
 * - `GET /api/me/sessions`, `DELETE /api/me/sessions` (all but this one),
 *   `DELETE /api/me/sessions/:sessionId`: the caller's own.
 * - `GET|DELETE /api/admin/members/:id/sessions`, `DELETE
 *   /api/admin/members/:id/sessions/:sessionId`: a member of the caller's
 *   tenant (members.manage; only an owner may end an owner's sessions).
 */
export function sessionRoutes(deps: Deps) {
  const { db, clock } = deps;
  const manage = [requireTenant(deps), requirePerm(deps, 'members.manage')] as const;
  const audit = (c: Context<AppEnv>, orgId: string | null, targetUserId: string, details: Record<string, unknown>) => {
    const p = principalOf(c);
    return recordAudit(db, { action: 'sessions.revoked', outcome: 'succeeded', actorUserId: p.impersonatedBy ?? p.userId, orgId, space: p.space, targetTable: 'user', targetId: targetUserId, requestId: c.get('requestId'), details });
  };
  /** The user behind member `:id` of the caller's tenant; 404 outside it, 403 for an owner unless the caller is one. */
  const memberUser = async (c: Context<AppEnv>): Promise<{ userId: string; orgId: string }> => {
    const p = tenantPrincipalOf(c);
    const memberId = id.parse(c.req.param('id'));
    const [m] = await db.rows<{ user_id: string; owner: boolean }>(
      sql`select m.user_id, exists (select 1 from member_roles mr join roles r on r.id = mr.role_id where mr.member_id = m.id and r.key = 'owner') as owner
          from member m where m.id = ${memberId} and m.organization_id = ${p.orgId}`,
    );
    if (!m) throw new AppError(404, SessionErrors.MEMBER_NOT_FOUND, 'No such member in this tenant.');
    if (m.owner && !p.roles.includes('owner')) throw new AppError(403, SessionErrors.OWNER_SESSIONS, "Only an owner can see or end an owner's sessions.");
    return { userId: m.user_id, orgId: p.orgId };
  };
  const now = () => clock.now().toISOString();

  return new Hono<AppEnv>()
    .get('/api/me/sessions', requireAuth, async (c) => {
      const p = principalOf(c);
      return c.json({ sessions: await sessionsOf(db, p.impersonatedBy ?? p.userId, p.sessionId, now()) });
    })
    .delete('/api/me/sessions', requireAuth, async (c) => {
      const p = principalOf(c);
      const userId = p.impersonatedBy ?? p.userId;
      const revoked = await revoke(db, userId, { keep: p.sessionId });
      await audit(c, p.orgId, userId, { revoked, scope: 'other sessions' });
      return c.json({ revoked });
    })
    .delete('/api/me/sessions/:sessionId', requireAuth, async (c) => {
      const p = principalOf(c);
      const userId = p.impersonatedBy ?? p.userId;
      const sessionId = id.parse(c.req.param('sessionId'));
      if ((await revoke(db, userId, { sessionId })) === 0) throw new AppError(404, SessionErrors.SESSION_NOT_FOUND, 'No such session.');
      await audit(c, p.orgId, userId, { revoked: 1, sessionId });
      return c.json({ revoked: 1 });
    })
    .get('/api/admin/members/:id/sessions', ...manage, async (c) => {
      const { userId } = await memberUser(c);
      return c.json({ sessions: await sessionsOf(db, userId, principalOf(c).sessionId, now()) });
    })
    .delete('/api/admin/members/:id/sessions', ...manage, async (c) => {
      const { userId, orgId } = await memberUser(c);
      const revoked = await revoke(db, userId, { keep: userId === principalOf(c).userId ? principalOf(c).sessionId : null });
      await audit(c, orgId, userId, { revoked, scope: 'all sessions', memberId: c.req.param('id') });
      return c.json({ revoked });
    })
    .delete('/api/admin/members/:id/sessions/:sessionId', ...manage, async (c) => {
      const { userId, orgId } = await memberUser(c);
      const sessionId = id.parse(c.req.param('sessionId'));
      if ((await revoke(db, userId, { sessionId })) === 0) throw new AppError(404, SessionErrors.SESSION_NOT_FOUND, 'No such session.');
      await audit(c, orgId, userId, { revoked: 1, sessionId, memberId: c.req.param('id') });
      return c.json({ revoked: 1 });
    });
}
