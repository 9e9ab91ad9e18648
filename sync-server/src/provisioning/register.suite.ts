import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { isUniqueViolation } from './unique-violation.ts';
import { provisioningRoutes } from './routes.ts';
import { buildRoutesTestApp, jsonPost, testPrincipal } from './test-support.ts';

const count = async (db: Database, q: ReturnType<typeof sql>) => (await db.rows<{ n: number }>(q))[0]?.n;

/** Register idempotency and conflicts, on PGlite and Postgres. */
export function registerSuite(engine: TestEngine) {
  describe(`tenant register on ${engine.kind}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
    });
    afterAll(async () => {
      await db.close();
    });

    const body = {
      plan: 'pro',
      industry: 'construction',
      externalCustomerId: 'crm-4711',
      company: { name: 'Stonebridge Builders' },
      owner: { email: 'Owner@Stonebridge.test', name: 'Sam Stone' },
    };

    it('creates one tenant, one owner and one welcome email job under 10 concurrent identical calls', async () => {
      const t = buildRoutesTestApp(db, [provisioningRoutes]);
      t.as(testPrincipal({ space: 'provider' }));
      const responses = await Promise.all(Array.from({ length: 10 }, () => t.app.request('/api/tenant/register', jsonPost(body))));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const bodies = (await Promise.all(responses.map((r) => r.json()))) as { tenant: { id: string }; owner: { email: string } }[];
      expect(new Set(bodies.map((b) => b.tenant.id)).size).toBe(1);
      expect(bodies[0]?.owner.email).toBe('owner@stonebridge.test');
      const orgId = bodies[0]!.tenant.id;

      expect(await count(db, sql`select count(*)::int as n from organization where external_customer_id = 'crm-4711'`)).toBe(1);
      expect(await count(db, sql`select count(*)::int as n from "user" where email = 'owner@stonebridge.test'`)).toBe(1);
      expect(await count(db, sql`select count(*)::int as n from member where organization_id = ${orgId}`)).toBe(1);
      expect(await count(db, sql`select count(*)::int as n from jobs where kind = 'email.welcome' and org_id = ${orgId}`)).toBe(1);
      expect(await count(db, sql`select count(*)::int as n from jobs where kind = 'federation.handshake' and org_id = ${orgId}`)).toBe(1);
      // The owner has no password: the welcome email carries a set-password link.
      expect(await count(db, sql`select count(*)::int as n from account a join "user" u on u.id = a.user_id where u.email = 'owner@stonebridge.test'`)).toBe(0);

      const steps = await db.rows<{ action: string }>(sql`select distinct action from audit_log where org_id = ${orgId} order by action`);
      expect(steps.map((s) => s.action)).toEqual([
        'provisioning.jobs_queued',
        'provisioning.modules_enabled',
        'provisioning.owner_created',
        'provisioning.replayed',
        'provisioning.roles_created',
        'provisioning.template_applied',
        'provisioning.tenant_created',
      ]);
      expect(await count(db, sql`select count(*)::int as n from audit_log where org_id = ${orgId} and action = 'provisioning.replayed'`)).toBe(9);
    });

    it('answers a later retry with 200 and the same tenant, creating nothing', async () => {
      const t = buildRoutesTestApp(db, [provisioningRoutes]);
      t.as(testPrincipal({ space: 'provider' }));
      const before = await count(db, sql`select count(*)::int as n from jobs`);
      const res = await t.app.request('/api/tenant/register', jsonPost(body));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { created: boolean }).created).toBe(false);
      expect(await count(db, sql`select count(*)::int as n from jobs`)).toBe(before);
    });

    it('refuses the same externalCustomerId with a different payload with a 409 envelope', async () => {
      const t = buildRoutesTestApp(db, [provisioningRoutes]);
      t.as(testPrincipal({ space: 'provider' }));
      const res = await t.app.request('/api/tenant/register', jsonPost({ ...body, plan: 'starter' }));
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({
        error: { code: 'EXTERNAL_ID_CONFLICT', message: expect.any(String), details: { externalCustomerId: 'crm-4711' } },
      });
      expect(await count(db, sql`select count(*)::int as n from organization where external_customer_id = 'crm-4711'`)).toBe(1);
      expect(await count(db, sql`select count(*)::int as n from audit_log where action = 'provisioning.conflict' and outcome = 'denied'`)).toBe(1);
    });

    it('gives two different tenants registered at once with the same company name and owner distinct slugs and one owner', async () => {
      const t = buildRoutesTestApp(db, [provisioningRoutes]);
      t.as(testPrincipal({ space: 'provider' }));
      const twin = (id: string) => ({ ...body, externalCustomerId: id, company: { name: 'Twin Co' }, owner: { email: 'twin@co.test', name: 'Tw' } });
      const responses = await Promise.all(['twin-1', 'twin-2', 'twin-3'].map((id) => t.app.request('/api/tenant/register', jsonPost(twin(id)))));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
      const slugs = await db.rows<{ slug: string }>(sql`select slug from organization where external_customer_id like 'twin-%'`);
      expect(new Set(slugs.map((s) => s.slug)).size).toBe(3);
      expect(await count(db, sql`select count(*)::int as n from "user" where email = 'twin@co.test'`)).toBe(1);
    });

    it("recognises this driver's unique violations (the race backstop relies on it)", async () => {
      const insert = () => db.rows(sql`insert into "user" (id, name, email) values (${crypto.randomUUID()}, 'D', 'dup@co.test')`);
      await insert();
      const err = await insert().catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
      expect(isUniqueViolation(err, 'user_email_unique')).toBe(true);
      expect(isUniqueViolation(err, 'organization_slug_unique')).toBe(false);
      expect(isUniqueViolation(new Error('other'))).toBe(false);
    });

    it('validates the body and the industry with envelopes', async () => {
      const t = buildRoutesTestApp(db, [provisioningRoutes]);
      t.as(testPrincipal({ space: 'provider' }));
      const bad = await t.app.request('/api/tenant/register', jsonPost({ ...body, owner: { email: 'nope', name: '' } }));
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
      const unknown = await t.app.request('/api/tenant/register', jsonPost({ ...body, externalCustomerId: 'x-2', industry: 'space_mining' }));
      expect(unknown.status).toBe(422);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_INDUSTRY');
    });
  });
}
