import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, TEST_ORIGIN } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';
import { createStaff } from './staff.ts';

describe('tenants, switching and staff accounts', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let acme: string;
  let globex: string;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
    const orgs = await db.rows<{ id: string; slug: string }>(sql`select id, slug from organization`);
    acme = orgs.find((o) => o.slug === 'acme')?.id ?? '';
    globex = orgs.find((o) => o.slug === 'globex')?.id ?? '';
  });
  afterAll(async () => {
    await db.close();
  });

  const me = async (headers: Record<string, string>) =>
    (await (await t.app.request('/api/me', { headers })).json()) as { orgId: string | null; roles: string[]; space: string };

  it('lets a member of two tenants switch, and starts the next session in the last one', async () => {
    const [mgr] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'manager@acme.test'`);
    const [staffRole] = await db.rows<{ id: string }>(sql`select id from roles where org_id = ${globex} and key = 'staff'`);
    const memberId = crypto.randomUUID();
    await db.rows(sql`insert into member (id, organization_id, user_id, role) values (${memberId}, ${globex}, ${mgr?.id ?? ''}, 'member')`);
    await db.rows(sql`insert into member_roles (org_id, member_id, role_id) values (${globex}, ${memberId}, ${staffRole?.id ?? ''})`);

    const s = await signIn(t.app, 'manager@acme.test');
    expect(await me(s.headers)).toMatchObject({ orgId: acme, roles: ['manager'] });
    const sw = await t.app.request('/api/auth/organization/set-active', {
      method: 'POST',
      headers: { ...s.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ organizationId: globex }),
    });
    expect(sw.status).toBe(200);
    expect(await me(s.headers)).toMatchObject({ orgId: globex, roles: ['staff'] });
    const next = await signIn(t.app, 'manager@acme.test');
    expect((await me(next.headers)).orgId).toBe(globex);
  });

  it("never switches a user into a tenant they are not a member of", async () => {
    const s = await signIn(t.app, 'worker@acme.test');
    const sw = await t.app.request('/api/auth/organization/set-active', {
      method: 'POST',
      headers: { ...s.headers, 'content-type': 'application/json', origin: TEST_ORIGIN },
      body: JSON.stringify({ organizationId: globex }),
    });
    expect(sw.status).toBeGreaterThanOrEqual(400);
    expect((await me(s.headers)).orgId).toBe(acme);
  });

  it('creates platform staff outside any tenant, and refuses to make a tenant member staff', async () => {
    const r = await createStaff(db, { email: 'ops@platform.test', name: 'Ops', space: 'provider', password: 'a-long-staff-password' });
    expect(r.created).toBe(true);
    const s = await signIn(t.app, 'ops@platform.test', 'a-long-staff-password');
    expect(await me(s.headers)).toMatchObject({ space: 'provider', orgId: null });
    await expect(createStaff(db, { email: 'owner@acme.test', name: 'x', space: 'dev', password: 'whatever-123' })).rejects.toThrow(/tenant member/);
    const acct = await createStaff(db, { email: 'books@platform.test', name: 'Books', space: 'accounting', password: 'a-long-staff-password', tenants: ['acme'] });
    const links = await db.rows(sql`select org_id from accountant_tenants where user_id = ${acct.userId}`);
    expect(links).toEqual([{ org_id: acme }]);
  });

  it("gives another tenant's owner 404 for this tenant's records by id, and changes nothing", async () => {
    const [role] = await db.rows<{ id: string; name: string }>(sql`select id, name from roles where org_id = ${acme} and key = 'staff'`);
    const [member] = await db.rows<{ id: string }>(sql`select m.id from member m join "user" u on u.id = m.user_id where u.email = 'worker@acme.test'`);
    const g = await signIn(t.app, 'owner@globex.test');
    const req = (method: string, path: string, body?: unknown) =>
      t.app.request(path, { method, headers: { ...g.headers, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await req('PATCH', `/api/admin/roles/${role?.id}`, { name: 'hijacked', remove: ['leads.read'] })).status).toBe(404);
    expect((await req('POST', `/api/admin/roles/${role?.id}/clone`, { key: 'stolen', name: 'Stolen' })).status).toBe(404);
    expect((await req('DELETE', `/api/admin/roles/${role?.id}`)).status).toBe(404);
    expect((await req('PUT', `/api/admin/members/${member?.id}/roles`, { roleIds: [role?.id] })).status).toBe(404);
    expect((await req('GET', `/api/admin/roles/${role?.id}/versions`)).status).toBe(404);
    const [after] = await db.rows<{ name: string; n: number }>(
      sql`select name, (select count(*)::int from role_permissions where role_id = ${role?.id ?? ''}) as n from roles where id = ${role?.id ?? ''}`,
    );
    expect(after?.name).toBe(role?.name);
    expect(after?.n).toBeGreaterThan(0);
  });
});
