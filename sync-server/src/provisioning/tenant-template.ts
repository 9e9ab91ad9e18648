import {
  companies,
  defaultElevationPolicy,
  leads,
  member,
  memberRoles,
  rolePermissions,
  roleVersions,
  roles,
  rolePermissionList,
  workOrders,
  type IndustryTemplate,
} from '@streamflow/schema';
import type { Tx } from '../db/types.ts';

/** Creates the template's roles with their permissions and a first version each. Returns role id by key. */
export async function createTemplateRoles(
  tx: Tx,
  orgId: string,
  template: IndustryTemplate,
  actorId: string | null,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const role of template.roles) {
    const id = crypto.randomUUID();
    const permissions = rolePermissionList(role);
    const elevation = role.elevation ?? defaultElevationPolicy(role.key);
    ids[role.key] = id;
    await tx.insert(roles).values({
      id,
      orgId,
      key: role.key,
      name: role.name,
      description: role.description ?? null,
      isSystem: role.key === 'owner',
      elevationCeiling: [...elevation.ceiling],
      elevationBeyond: elevation.beyond,
      updatedBy: actorId,
    });
    await tx.insert(rolePermissions).values(permissions.map((permission) => ({ orgId, roleId: id, permission, updatedBy: actorId })));
    await tx.insert(roleVersions).values({
      orgId,
      roleId: id,
      version: 1,
      name: role.name,
      permissions,
      change: { kind: 'created', from: `template:${template.key}` },
      changedBy: actorId,
    });
  }
  return ids;
}

/** Adds a user to a tenant with one role. Returns the member id. */
export async function addMemberWithRole(tx: Tx, orgId: string, userId: string, roleKey: string, roleId: string): Promise<string> {
  const memberId = crypto.randomUUID();
  await tx.insert(member).values({ id: memberId, organizationId: orgId, userId, role: roleKey === 'owner' ? 'owner' : 'member' });
  await tx.insert(memberRoles).values({ orgId, memberId, roleId });
  return memberId;
}

/** Writes the template's sample records (demo and trial tenants). Returns how many of each. */
export async function writeSampleData(
  tx: Tx,
  orgId: string,
  template: IndustryTemplate,
  ownerId: string,
): Promise<{ companies: number; leads: number; workOrders: number }> {
  const sample = template.sampleData;
  const base = { orgId, updatedBy: ownerId };
  if (sample.companies.length > 0) {
    await tx.insert(companies).values(sample.companies.map((c) => ({ ...base, name: c.name, industry: c.industry ?? null })));
  }
  if (sample.leads.length > 0) {
    await tx.insert(leads).values(
      sample.leads.map((l) => ({
        ...base,
        name: l.name,
        companyName: l.companyName ?? null,
        email: l.email ?? null,
        phone: l.phone ?? null,
        source: l.source ?? null,
        custom: { ...l.custom, sample: true },
      })),
    );
  }
  if (sample.workOrders.length > 0) {
    await tx.insert(workOrders).values(
      sample.workOrders.map((w, i) => ({ ...base, number: `WO-S${String(i + 1).padStart(3, '0')}`, title: w.title, status: w.status })),
    );
  }
  return { companies: sample.companies.length, leads: sample.leads.length, workOrders: sample.workOrders.length };
}
