import { sql } from 'drizzle-orm';
import { isElevatable, isPermission, type ElevationBeyond, type ElevationPolicy, type Permission } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Database, Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';

export const RoleErrors = {
  ROLE_NOT_FOUND: 'ROLE_NOT_FOUND',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  UNKNOWN_PERMISSION: 'UNKNOWN_PERMISSION',
  OWNER_NEEDS_ROLES_MANAGE: 'OWNER_NEEDS_ROLES_MANAGE',
  LAST_OWNER: 'LAST_OWNER',
  ROLE_IN_USE: 'ROLE_IN_USE',
  SYSTEM_ROLE: 'SYSTEM_ROLE',
  ROLE_KEY_TAKEN: 'ROLE_KEY_TAKEN',
  SCOPE_NOT_ELEVATABLE: 'SCOPE_NOT_ELEVATABLE',
} as const;

export interface RoleView {
  id: string;
  key: string;
  name: string;
  isSystem: boolean;
  version: number;
  permissions: string[];
  members: number;
  /** Break-glass policy (docs/elevation.md): granted at once up to `ceiling`; beyond it, ask an owner or refuse. */
  elevation: ElevationPolicy;
}

/** Every role of the tenant with its permissions and member count (RLS-scoped transaction). */
export async function listRoles(db: Database, tx: Tx): Promise<RoleView[]> {
  const rows = await db.rows<{ id: string; key: string; name: string; is_system: boolean; version: number; permissions: string[] | null; members: number; elevation_ceiling: string[]; elevation_beyond: ElevationBeyond }>(
    sql`select r.id, r.key, r.name, r.is_system, r.version, r.elevation_ceiling, r.elevation_beyond,
          (select array_agg(permission order by permission) from role_permissions rp where rp.role_id = r.id) as permissions,
          (select count(*)::int from member_roles mr where mr.role_id = r.id) as members
        from roles r order by r.is_system desc, r.key`,
    tx,
  );
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    isSystem: r.is_system,
    version: r.version,
    permissions: r.permissions ?? [],
    members: r.members,
    elevation: { ceiling: [...r.elevation_ceiling].sort().filter(isPermission), beyond: r.elevation_beyond },
  }));
}

async function role(db: Database, tx: Tx, id: string): Promise<RoleView> {
  const found = (await listRoles(db, tx)).find((r) => r.id === id);
  if (!found) throw new AppError(404, RoleErrors.ROLE_NOT_FOUND, 'No such role.');
  return found;
}

/** Writes the role's next version (who, what changed, the full permission set after it) and audits it. */
async function writeVersion(db: Database, tx: Tx, p: TenantPrincipal, roleId: string, change: Record<string, unknown>, requestId: string | null) {
  const [r] = await db.rows<{ version: number; name: string }>(
    sql`update roles set version = version + 1 where id = ${roleId} returning version, name`,
    tx,
  );
  const perms = await db.rows<{ permission: string }>(sql`select permission from role_permissions where role_id = ${roleId} order by permission`, tx);
  await db.rows(
    sql`insert into role_versions (org_id, role_id, version, name, permissions, change, changed_by)
        values (${p.orgId}, ${roleId}, ${r?.version ?? 1}, ${r?.name ?? ''}, ${`{${perms.map((x) => x.permission).join(',')}}`}::text[], ${JSON.stringify(change)}::jsonb, ${p.userId})`,
    tx,
  );
  await recordAudit(db, { action: 'roles.change', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'roles', targetId: roleId, requestId, details: { ...change, version: r?.version } }, tx);
}

function checkPermissions(perms: string[]): Permission[] {
  const bad = perms.filter((x) => !isPermission(x));
  if (bad.length > 0) throw new AppError(422, RoleErrors.UNKNOWN_PERMISSION, `Unknown permission(s): ${bad.join(', ')}.`, { unknown: bad });
  return perms as Permission[];
}

/** A ceiling an owner sets: registry permissions an elevation may grant (never roles.manage and the like). */
function checkCeiling(perms: string[]): Permission[] {
  const known = checkPermissions(perms);
  const locked = known.filter((x) => !isElevatable(x));
  if (locked.length > 0) throw new AppError(422, RoleErrors.SCOPE_NOT_ELEVATABLE, `An elevation never grants ${locked.join(', ')}.`, { scopes: locked });
  return [...new Set(known)];
}

export async function cloneRole(db: Database, tx: Tx, p: TenantPrincipal, sourceId: string, key: string, name: string, requestId: string | null): Promise<RoleView> {
  const source = await role(db, tx, sourceId);
  const taken = await db.rows(sql`select 1 from roles where key = ${key}`, tx);
  if (taken.length > 0) throw new AppError(409, RoleErrors.ROLE_KEY_TAKEN, `A role "${key}" exists already.`);
  const [created] = await db.rows<{ id: string }>(
    sql`insert into roles (org_id, key, name, version, elevation_ceiling, elevation_beyond)
        values (${p.orgId}, ${key}, ${name}, 0, ${`{${source.elevation.ceiling.join(',')}}`}::text[], ${source.elevation.beyond}) returning id`,
    tx,
  );
  const id = created?.id ?? '';
  for (const perm of source.permissions) {
    await db.rows(sql`insert into role_permissions (org_id, role_id, permission) values (${p.orgId}, ${id}, ${perm})`, tx);
  }
  await writeVersion(db, tx, p, id, { kind: 'cloned', from: source.key }, requestId);
  return role(db, tx, id);
}

export async function updateRole(
  db: Database,
  tx: Tx,
  p: TenantPrincipal,
  id: string,
  patch: { name?: string; add?: string[]; remove?: string[]; elevation?: { ceiling?: string[]; beyond?: ElevationBeyond } },
  requestId: string | null,
): Promise<RoleView> {
  const current = await role(db, tx, id);
  const add = checkPermissions(patch.add ?? []);
  const remove = checkPermissions(patch.remove ?? []);
  if (current.key === 'owner' && remove.includes('roles.manage')) {
    throw new AppError(422, RoleErrors.OWNER_NEEDS_ROLES_MANAGE, 'The owner role cannot lose roles.manage.');
  }
  const ceiling = patch.elevation?.ceiling === undefined ? undefined : checkCeiling(patch.elevation.ceiling);
  if (patch.name) await db.rows(sql`update roles set name = ${patch.name} where id = ${id}`, tx);
  if (ceiling) await db.rows(sql`update roles set elevation_ceiling = ${`{${ceiling.join(',')}}`}::text[] where id = ${id}`, tx);
  if (patch.elevation?.beyond) await db.rows(sql`update roles set elevation_beyond = ${patch.elevation.beyond} where id = ${id}`, tx);
  for (const perm of add) {
    await db.rows(sql`insert into role_permissions (org_id, role_id, permission) values (${p.orgId}, ${id}, ${perm}) on conflict do nothing`, tx);
  }
  for (const perm of remove) await db.rows(sql`delete from role_permissions where role_id = ${id} and permission = ${perm}`, tx);
  const elevation = patch.elevation ? { ceiling, beyond: patch.elevation.beyond } : undefined;
  await writeVersion(db, tx, p, id, { kind: 'updated', name: patch.name, add, remove, elevation }, requestId);
  return role(db, tx, id);
}

export async function deleteRole(db: Database, tx: Tx, p: TenantPrincipal, id: string, requestId: string | null): Promise<void> {
  const current = await role(db, tx, id);
  if (current.isSystem) throw new AppError(422, RoleErrors.SYSTEM_ROLE, 'The owner role cannot be deleted.');
  if (current.members > 0) throw new AppError(409, RoleErrors.ROLE_IN_USE, 'Remove this role from its members first.');
  await db.rows(sql`delete from roles where id = ${id}`, tx);
  await recordAudit(db, { action: 'roles.delete', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'roles', targetId: id, requestId, details: { key: current.key } }, tx);
}

/** Sets a member's roles. The tenant always keeps at least one owner. */
export async function assignRoles(db: Database, tx: Tx, p: TenantPrincipal, memberId: string, roleIds: string[], requestId: string | null): Promise<string[]> {
  const member = await db.rows(sql`select 1 from member where id = ${memberId} and organization_id = ${p.orgId}`, tx);
  if (member.length === 0) throw new AppError(404, RoleErrors.MEMBER_NOT_FOUND, 'No such member.');
  const roles = await listRoles(db, tx);
  for (const r of roleIds) if (!roles.some((x) => x.id === r)) throw new AppError(404, RoleErrors.ROLE_NOT_FOUND, 'No such role.');
  const owner = roles.find((r) => r.key === 'owner');
  if (owner && !roleIds.includes(owner.id)) {
    const others = await db.rows(sql`select 1 from member_roles where role_id = ${owner.id} and member_id <> ${memberId}`, tx);
    const isOwner = await db.rows(sql`select 1 from member_roles where role_id = ${owner.id} and member_id = ${memberId}`, tx);
    if (isOwner.length > 0 && others.length === 0) throw new AppError(422, RoleErrors.LAST_OWNER, 'The last owner cannot be removed.');
  }
  await db.rows(sql`delete from member_roles where member_id = ${memberId}`, tx);
  for (const r of roleIds) await db.rows(sql`insert into member_roles (org_id, member_id, role_id) values (${p.orgId}, ${memberId}, ${r})`, tx);
  const keys = roles.filter((r) => roleIds.includes(r.id)).map((r) => r.key);
  await recordAudit(db, { action: 'roles.assign', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'member', targetId: memberId, requestId, details: { roles: keys } }, tx);
  return keys;
}
