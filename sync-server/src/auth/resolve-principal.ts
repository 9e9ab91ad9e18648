import { sql, type SQL } from 'drizzle-orm';
import { isPermission, type Permission } from '@streamflow/schema';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import type { Principal, Space } from './principal.ts';

export interface SessionInfo {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  activeOrganizationId: string | null | undefined;
  /** Internal: resolving the user a staff member impersonates (no further impersonation). */
  impersonating?: boolean;
}

/** What the principal query answers for one user in one tenant. */
export interface PrincipalRow extends Record<string, unknown> {
  staff: Space | null;
  member_id: string | null;
  roles: string[] | null;
  perms: string[] | null;
}

/**
 * The query behind a principal, for a user in a tenant at `nowIso`: platform
 * staff space, member id, role keys and effective permissions (roles' plus
 * the scopes of unrevoked, unexpired elevations). Filtered explicitly by user
 * and tenant, so it answers the same as the owner and inside that tenant's
 * RLS transaction (the write path runs it there, see write/ledger.ts). The
 * tenant role cannot read `platform_staff`: the staff space comes from a
 * SECURITY DEFINER function (ADR 011).
 */
export function principalQuery(userId: string, orgId: string | null, nowIso: string): SQL {
  return sql`
    with m as (select id from member where organization_id = ${orgId} and user_id = ${userId})
    select
      streamflow_staff_space(${userId}) as staff,
      (select id from m) as member_id,
      (select array_agg(r.key order by r.key) from member_roles mr join roles r on r.id = mr.role_id
        where mr.member_id = (select id from m) and mr.org_id = ${orgId}) as roles,
      (select array_agg(distinct p order by p) from (
         select rp.permission as p from member_roles mr join role_permissions rp on rp.role_id = mr.role_id
          where mr.member_id = (select id from m) and mr.org_id = ${orgId}
         union
         select unnest(e.scopes) from elevations e
          where e.org_id = ${orgId} and e.user_id = ${userId} and e.revoked_at is null
            and e.expires_at > ${nowIso}::timestamptz and exists (select 1 from m)
       ) ps) as perms`;
}

/** A client principal's roles and permissions from its query row (unknown permission names are dropped). */
export function grantsFrom(row: Pick<PrincipalRow, 'roles' | 'perms'>): { roles: string[]; perms: ReadonlySet<Permission> } {
  const valid: Permission[] = (row.perms ?? []).filter(isPermission);
  return { roles: row.roles ?? [], perms: new Set(valid) };
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
  const orgId = s.activeOrganizationId ?? null;
  const now = clock.now().toISOString();
  // One round trip on the owner path: principal resolution runs on every request, before any tenant transaction exists.
  const [row] = await db.rows<PrincipalRow>(principalQuery(s.userId, orgId, now), undefined, { prepare: true });
  if (row?.staff) {
    if (row.staff === 'provider' && !s.impersonating) {
      // Provider staff under an active impersonation elevation act as that tenant user.
      const [imp] = await db.rows<{ org_id: string; user_id: string; email: string; name: string }>(sql`
        select e.org_id, u.id as user_id, u.email, u.name from elevations e join "user" u on u.id = e.impersonated_user_id
        where e.user_id = ${s.userId} and e.impersonated_user_id is not null and e.revoked_at is null
          and e.expires_at > ${now}::timestamptz order by e.created_at desc limit 1`);
      if (imp) {
        const as = await resolvePrincipal(db, clock, { sessionId: s.sessionId, userId: imp.user_id, email: imp.email, name: imp.name, activeOrganizationId: imp.org_id, impersonating: true });
        if (as.orgId) return { ...as, impersonatedBy: s.userId };
      }
    }
    return { ...base, space: row.staff, orgId: null, memberId: null, roles: [row.staff], perms: new Set() };
  }
  if (!orgId || !row?.member_id) {
    return { ...base, space: 'client', orgId: null, memberId: null, roles: [], perms: new Set() };
  }
  return { ...base, space: 'client', orgId, memberId: row.member_id, ...grantsFrom(row) };
}
