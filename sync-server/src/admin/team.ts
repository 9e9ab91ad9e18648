import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../context.ts';
import { withTenant } from '../db/tenant.ts';

/** One teammate as every member of the tenant may see them: for assignee pickers and names in lists. */
export interface Teammate {
  userId: string;
  name: string;
  roles: string[];
}

/**
 * `GET /api/team`: the tenant's members (user id, name, role keys) for any
 * member of the tenant, a field worker included. No emails or phone numbers:
 * those stay behind `members.manage` (`GET /api/admin/members`). The app keeps
 * the answer in its local database so pickers work offline.
 */
export function teamRoutes(deps: Pick<Deps, 'db'>) {
  const { db } = deps;
  return new Hono<AppEnv>().get('/api/team', requireTenant(deps), async (c) => {
    const p = tenantPrincipalOf(c);
    const rows = await withTenant(db, { orgId: p.orgId, userId: p.userId }, (tx) =>
      db.rows<{ user_id: string; name: string; roles: string[] }>(
        sql`select m.user_id, u.name, coalesce(array_agg(r.key order by r.key) filter (where r.key is not null), '{}') as roles
              from member m join "user" u on u.id = m.user_id
              left join member_roles mr on mr.member_id = m.id left join roles r on r.id = mr.role_id
             where m.organization_id = ${p.orgId}
             group by m.user_id, u.name order by u.name, m.user_id`,
        tx,
      ),
    );
    const members: Teammate[] = rows.map((r) => ({ userId: r.user_id, name: r.name, roles: r.roles }));
    return c.json({ members });
  });
}
