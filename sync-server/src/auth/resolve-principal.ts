import { sql } from 'drizzle-orm';
import { isPermission, type Permission } from '@streamflow/schema';
import type { Clock } from '../clock.ts';
import { withTenant } from '../db/tenant.ts';
import type { Database } from '../db/types.ts';
import type { Principal, Space } from './principal.ts';

export interface SessionInfo {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  activeOrganizationId: string | null | undefined;
}

/**
 * Builds the caller's principal from a valid session, fresh on every request
 * so a role change or a revoked elevation takes effect at once: space from
 * platform staff membership, tenant from the session (checked against
 * membership), roles from member_roles and permissions from those roles plus
 * the scopes of active elevations.
 */
export async function resolvePrincipal(db: Database, clock: Clock, s: SessionInfo): Promise<Principal> {
  const base = { userId: s.userId, email: s.email, name: s.name, sessionId: s.sessionId };
  const staff = await db.rows<{ space: Space }>(sql`select space from platform_staff where user_id = ${s.userId}`);
  const staffSpace = staff[0]?.space;
  if (staffSpace) {
    return { ...base, space: staffSpace, orgId: null, memberId: null, roles: [staffSpace], perms: new Set() };
  }
  const orgId = s.activeOrganizationId ?? null;
  const membership = orgId
    ? await db.rows<{ id: string }>(sql`select id from member where organization_id = ${orgId} and user_id = ${s.userId}`)
    : [];
  const memberId = membership[0]?.id;
  if (!orgId || !memberId) {
    return { ...base, space: 'client', orgId: null, memberId: null, roles: [], perms: new Set() };
  }
  const now = clock.now().toISOString();
  const { roles, perms } = await withTenant(db, { orgId, userId: s.userId }, async (tx) => {
    const roleRows = await db.rows<{ key: string }>(
      sql`select r.key from member_roles mr join roles r on r.id = mr.role_id where mr.member_id = ${memberId} order by r.key`,
      tx,
    );
    const permRows = await db.rows<{ permission: string }>(
      sql`select distinct rp.permission from member_roles mr join role_permissions rp on rp.role_id = mr.role_id
          where mr.member_id = ${memberId}
          union
          select distinct unnest(e.scopes) from elevations e
          where e.user_id = ${s.userId} and e.revoked_at is null and e.expires_at > ${now}::timestamptz`,
      tx,
    );
    return { roles: roleRows.map((r) => r.key), perms: permRows.map((r) => r.permission) };
  });
  const valid: Permission[] = perms.filter(isPermission);
  return { ...base, space: 'client', orgId, memberId, roles, perms: new Set(valid) };
}
