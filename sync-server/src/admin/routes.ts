import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ELEVATION_BEYOND } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import { principalOf, requirePerm, requireSpace, requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../context.ts';
import { withPlatform, withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { checkPassword } from '../auth/password-check.ts';
import { readJson } from '../json-body.ts';
import { ElevationErrors, MAX_ELEVATION_MINUTES, checkScopes, requestElevation, revokeElevation } from './elevation.ts';
import { notifyApprovers } from './elevation-requests.ts';
import { RoleErrors, assignRoles, cloneRole, deleteRole, listRoles, updateRole } from './roles-service.ts';

const key = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'lowercase letters, digits and _');
const uuid = z.uuid();

/** Owner administration (roles, members' roles, elevation, audit): online only, server-enforced. */
export function adminRoutes(deps: Deps) {
  const { db, clock } = deps;
  const tenant = requireTenant(deps);
  const manageRoles = requirePerm(deps, 'roles.manage');
  const scope = (p: { orgId: string; userId: string }) => ({ orgId: p.orgId, userId: p.userId });
  const id = (v: string | undefined) => uuid.parse(v);

  return new Hono<AppEnv>()
    .get('/api/admin/roles', tenant, manageRoles, async (c) => {
      const p = tenantPrincipalOf(c);
      return c.json({ roles: await withTenant(db, scope(p), (tx) => listRoles(db, tx)) });
    })
    .post('/api/admin/roles/:id/clone', tenant, manageRoles, async (c) => {
      const p = tenantPrincipalOf(c);
      const body = z.object({ key, name: z.string().trim().min(1).max(80) }).parse(await readJson(c));
      const roleId = id(c.req.param('id'));
      return c.json(await withTenant(db, scope(p), (tx) => cloneRole(db, tx, p, roleId, body.key, body.name, c.get('requestId'))), 201);
    })
    .patch('/api/admin/roles/:id', tenant, manageRoles, async (c) => {
      const p = tenantPrincipalOf(c);
      const body = z
        .object({
          name: z.string().trim().min(1).max(80).optional(),
          add: z.array(z.string()).max(200).optional(),
          remove: z.array(z.string()).max(200).optional(),
          elevation: z.object({ ceiling: z.array(z.string()).max(200).optional(), beyond: z.enum(ELEVATION_BEYOND).optional() }).strict().optional(),
        })
        .parse(await readJson(c));
      const roleId = id(c.req.param('id'));
      return c.json(await withTenant(db, scope(p), (tx) => updateRole(db, tx, p, roleId, body, c.get('requestId'))));
    })
    .delete('/api/admin/roles/:id', tenant, manageRoles, async (c) => {
      const p = tenantPrincipalOf(c);
      const roleId = id(c.req.param('id'));
      await withTenant(db, scope(p), (tx) => deleteRole(db, tx, p, roleId, c.get('requestId')));
      return c.body(null, 204);
    })
    .get('/api/admin/roles/:id/versions', tenant, manageRoles, async (c) => {
      const p = tenantPrincipalOf(c);
      const roleId = id(c.req.param('id'));
      const versions = await withTenant(db, scope(p), async (tx) => {
        // Another tenant's role is answered exactly like a missing one (RLS hides it).
        const found = await db.rows(sql`select 1 from roles where id = ${roleId}`, tx);
        if (found.length === 0) throw new AppError(404, RoleErrors.ROLE_NOT_FOUND, 'No such role.');
        return db.rows(sql`select version, name, permissions, change, changed_by, created_at from role_versions where role_id = ${roleId} order by version desc`, tx);
      });
      return c.json({ versions });
    })
    .get('/api/admin/members', tenant, requirePerm(deps, 'members.manage'), async (c) => {
      const p = tenantPrincipalOf(c);
      const members = await withTenant(db, scope(p), (tx) =>
        db.rows(
          sql`select m.id, u.email, u.name, coalesce(array_agg(r.key order by r.key) filter (where r.key is not null), '{}') as roles
              from member m join "user" u on u.id = m.user_id
              left join member_roles mr on mr.member_id = m.id left join roles r on r.id = mr.role_id
              where m.organization_id = ${p.orgId} group by m.id, u.email, u.name order by u.email`,
          tx,
        ),
      );
      return c.json({ members });
    })
    .put('/api/admin/members/:id/roles', tenant, manageRoles, async (c) => {
      const p = tenantPrincipalOf(c);
      const body = z.object({ roleIds: z.array(uuid).min(1).max(20) }).parse(await readJson(c));
      const memberId = z.string().min(1).max(64).parse(c.req.param('id'));
      const roles = await withTenant(db, scope(p), (tx) => assignRoles(db, tx, p, memberId, body.roleIds, c.get('requestId')));
      return c.json({ roles });
    })
    .post('/api/admin/elevations', tenant, async (c) => {
      const p = tenantPrincipalOf(c);
      const body = z
        .object({
          scopes: z.array(z.string()).min(1).max(50),
          reason: z.string().trim().min(10, 'say why, in a sentence').max(500),
          minutes: z.number().int().min(1).max(MAX_ELEVATION_MINUTES),
          password: z.string().min(1).max(200),
        })
        .parse(await readJson(c));
      const refuse = async (err: AppError): Promise<never> => {
        await recordAudit(db, { action: 'elevation.grant', outcome: 'denied', actorUserId: p.userId, orgId: p.orgId, space: 'client', requestId: c.get('requestId'), details: { code: err.code, scopes: body.scopes, reason: body.reason } });
        throw err;
      };
      try {
        checkScopes(body.scopes);
      } catch (err) {
        if (err instanceof AppError) await refuse(err);
        throw err;
      }
      if (!(await checkPassword(deps, c, p.userId, body.password))) {
        await refuse(new AppError(403, ElevationErrors.REAUTH_FAILED, 'The password is not right.'));
      }
      // Within the ceiling: granted (201). Beyond it: waits for an owner (202), who is emailed.
      // A refusal of the policy (not allowed, a cap) rolls the transaction back and is audited here.
      const decided = await withTenant(db, scope(p), (tx) => requestElevation(db, tx, clock, p, body, c.get('requestId'))).catch((err: unknown) =>
        err instanceof AppError ? refuse(err) : Promise.reject(err instanceof Error ? err : new Error(String(err))),
      );
      if (decided.status === 'active') return c.json(decided, 201);
      await notifyApprovers(deps, p, decided);
      return c.json(decided, 202);
    })
    .get('/api/admin/elevations', tenant, async (c) => {
      const p = tenantPrincipalOf(c);
      const now = clock.now().toISOString();
      const rows = await withTenant(db, scope(p), (tx) =>
        db.rows(
          sql`select id, user_id, scopes, reason, granted_at, expires_at, revoked_at, created_at, request_id, approved_by,
                (revoked_at is null and expires_at > ${now}::timestamptz) as active
              from elevations where user_id = ${p.userId} or ${p.perms.has('roles.manage')} order by created_at desc limit 100`,
          tx,
        ),
      );
      return c.json({ elevations: rows });
    })
    .delete('/api/admin/elevations/:id', tenant, async (c) => {
      const p = tenantPrincipalOf(c);
      const elevationId = id(c.req.param('id'));
      await withTenant(db, scope(p), (tx) => revokeElevation(db, tx, clock, p, elevationId, c.get('requestId')));
      return c.body(null, 204);
    })
    .get('/api/admin/audit', requireSpace(deps, 'client', 'provider', 'dev'), async (c) => {
      const p = principalOf(c);
      const q = z
        .object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.string().regex(/^\d{1,18}$/).optional(),
          action: z.string().max(100).optional(),
          outcome: z.enum(['allowed', 'denied', 'succeeded', 'failed']).optional(),
          actor: z.string().max(64).optional(),
          target: z.string().max(200).optional(),
          /** Staff only: one tenant's records (an owner always sees only their own tenant). */
          tenant: z.string().max(64).optional(),
        })
        .parse(c.req.query());
      const filters = sql`(${q.before ?? null}::bigint is null or id < ${q.before ?? null}::bigint)
        and (${q.action ?? null}::text is null or action like ${`${q.action ?? ''}%`})
        and (${q.outcome ?? null}::text is null or outcome = ${q.outcome ?? null})
        and (${q.actor ?? null}::text is null or actor_user_id = ${q.actor ?? null})
        and (${q.target ?? null}::text is null or target_id = ${q.target ?? null})
        and (${q.tenant ?? null}::text is null or org_id = ${q.tenant ?? null})`;
      // id is sent as text (bigint); ordering and the cursor use the column itself, audit_log.id,
      // since a bare "order by id" would bind to the text output column and sort 9 after 10.
      const select = sql`select id::text, at, request_id, actor_user_id, org_id, space, action, target_table, target_id, outcome, details from audit_log`;
      let rows: Record<string, unknown>[];
      if (p.space === 'client') {
        if (!p.orgId || !p.perms.has('audit.read')) {
          await recordAudit(db, { action: 'access.get', outcome: 'denied', actorUserId: p.userId, orgId: p.orgId, space: p.space, targetTable: 'route', targetId: c.req.path, requestId: c.get('requestId'), details: { missing: ['audit.read'] } });
          throw new AppError(403, 'FORBIDDEN', 'You do not have permission to do this.');
        }
        rows = await withTenant(db, { orgId: p.orgId, userId: p.userId }, (tx) =>
          db.rows(sql`${select} where ${filters} order by audit_log.id desc limit ${q.limit}`, tx),
        );
      } else {
        rows = await withPlatform(db, { action: 'audit.read', actorUserId: p.userId, requestId: c.get('requestId') }, (tx) =>
          db.rows(sql`${select} where ${filters} order by audit_log.id desc limit ${q.limit}`, tx),
        );
      }
      const last = rows.at(-1);
      return c.json({ entries: rows, next: rows.length === q.limit && last ? String(last.id) : null });
    });
}
