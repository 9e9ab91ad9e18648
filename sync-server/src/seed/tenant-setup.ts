import {
  DEFAULT_ELEVATION_POLICIES,
  DEFAULT_ROLE_KEYS,
  DEFAULT_ROLES,
  member,
  memberRoles,
  rolePermissions,
  roleVersions,
  roles,
  type DefaultRoleKey,
} from '@streamflow/schema';
import type { Tx } from '../db/types.ts';

/**
 * Creates a tenant's default roles (owner, manager, staff, worker) with their
 * permissions and a first version each. Returns the role id per key.
 */
export async function createDefaultRoles(
  tx: Tx,
  orgId: string,
  actorId: string | null,
): Promise<Record<DefaultRoleKey, string>> {
  const ids = {} as Record<DefaultRoleKey, string>;
  for (const key of DEFAULT_ROLE_KEYS) {
    const def = DEFAULT_ROLES[key];
    const id = crypto.randomUUID();
    ids[key] = id;
    const elevation = DEFAULT_ELEVATION_POLICIES[key];
    await tx.insert(roles).values({
      id,
      orgId,
      key,
      name: def.name,
      isSystem: key === 'owner',
      elevationCeiling: [...elevation.ceiling],
      elevationBeyond: elevation.beyond,
      updatedBy: actorId,
    });
    await tx
      .insert(rolePermissions)
      .values(def.permissions.map((permission) => ({ orgId, roleId: id, permission, updatedBy: actorId })));
    await tx.insert(roleVersions).values({
      orgId,
      roleId: id,
      version: 1,
      name: def.name,
      permissions: [...def.permissions],
      change: { kind: 'created', from: 'defaults' },
      changedBy: actorId,
    });
  }
  return ids;
}

/** Adds a user to a tenant with one of its roles. Returns the member id. */
export async function addMember(
  tx: Tx,
  orgId: string,
  userId: string,
  roleKey: DefaultRoleKey,
  roleIds: Record<DefaultRoleKey, string>,
): Promise<string> {
  const memberId = crypto.randomUUID();
  await tx.insert(member).values({
    id: memberId,
    organizationId: orgId,
    userId,
    // better-auth's own coarse role; fine-grained permissions come from member_roles.
    role: roleKey === 'owner' ? 'owner' : 'member',
  });
  await tx.insert(memberRoles).values({ orgId, memberId, roleId: roleIds[roleKey] });
  return memberId;
}
