import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolePermissionList, templateSettings } from '@streamflow/schema';
import type { Database } from '../db/types.ts';
import { withTenant } from '../db/tenant.ts';
import { testClock } from '../testing/app.ts';
import { createTestPglite } from '../testing/db.ts';
import { provisionTenant } from './register.ts';
import { loadTemplates } from './template-loader.ts';

const templates = loadTemplates();

describe('every industry template provisions a matching tenant', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([...templates.values()].map((t) => [t.key, t] as const))('%s', async (key, template) => {
    const result = await provisionTenant(
      { db, clock: testClock(), templates, source: 'provider', actorUserId: 'staff-1' },
      { plan: 'pro', industry: key, externalCustomerId: `tpl-${key}`, company: { name: `${template.name} Co` }, owner: { email: `owner@${key}.test`, name: 'Owner' }, sampleData: true },
    );
    expect(result.created).toBe(true);
    const orgId = result.tenant.id;

    const [org] = await db.rows<{ industry: string; settings: Record<string, unknown> }>(sql`select industry, settings from organization where id = ${orgId}`);
    expect(org?.industry).toBe(key);
    const expected = templateSettings(template);
    expect(org?.settings).toMatchObject({
      template: key,
      modules: expected.modules,
      customFields: expected.customFields,
      forms: expected.forms,
      pipelineStages: template.pipeline.stages.map((s) => s.key),
      workOrderStatuses: template.workOrders.statuses.map((s) => s.key),
      workOrderInitialStatus: template.workOrders.initial,
      workOrderTransitions: template.workOrders.transitions,
      checklist: template.checklist,
    });

    // Roles and permissions, read back through the tenant's RLS scope.
    const roles = await withTenant(db, { orgId }, async (tx) =>
      db.rows<{ key: string; name: string; perms: string[]; versions: number }>(
        sql`select r.key, r.name, array_agg(p.permission order by p.permission) as perms,
              (select count(*)::int from role_versions v where v.role_id = r.id) as versions
            from roles r join role_permissions p on p.role_id = r.id group by r.id, r.key, r.name order by r.key`,
        tx,
      ),
    );
    expect(roles.map((r) => r.key)).toEqual(template.roles.map((r) => r.key).sort());
    for (const role of template.roles) {
      const row = roles.find((r) => r.key === role.key);
      expect(row?.name).toBe(role.name);
      expect(row?.perms).toEqual(rolePermissionList(role).sort());
      expect(row?.versions).toBe(1);
    }

    const [owner] = await db.rows<{ key: string }>(sql`
      select r.key from member m join member_roles mr on mr.member_id = m.id join roles r on r.id = mr.role_id
      where m.organization_id = ${orgId} and m.user_id = ${result.owner.id}`);
    expect(owner?.key).toBe('owner');

    const [counts] = await db.rows<{ leads: number; wos: number; statuses: string[] | null }>(sql`
      select (select count(*)::int from leads where org_id = ${orgId}) as leads,
             (select count(*)::int from work_orders where org_id = ${orgId}) as wos,
             (select array_agg(distinct status) from work_orders where org_id = ${orgId}) as statuses`);
    expect(counts?.leads).toBe(template.sampleData.leads.length);
    expect(counts?.wos).toBe(template.sampleData.workOrders.length);
    for (const s of counts?.statuses ?? []) expect(template.workOrders.transitions).toHaveProperty(s);
  });
});
