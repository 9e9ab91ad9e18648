import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leads, organization } from '@streamflow/schema';
import type { TestEngine } from '../testing/db.ts';
import { migrate } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import { withPlatform, withTenant, withTenantLast } from './tenant.ts';
import type { Database } from './types.ts';

/** Tables with an org_id that are platform-level on purpose (read across tenants by platform routes). */
const PLATFORM_TABLES_WITH_ORG = ['accountant_tenants', 'jobs'];

/**
 * The shape engine's own tables (docs/sync.md): it reads them as the owner and
 * filters by the caller's tenant itself; the app role may not touch them at all.
 */
const SERVER_ONLY_TABLES = ['sync_change_log', 'sync_commits', 'sync_shape_handles', 'sync_state'];

const EXPECTED_TABLES = [
  'user', 'session', 'account', 'verification', 'organization', 'member', 'invitation',
  'platform_staff', 'accountant_tenants', 'roles', 'role_permissions', 'member_roles',
  'role_versions', 'elevation_requests', 'elevations', 'companies', 'contacts', 'leads', 'opportunities', 'tasks',
  'activities', 'work_orders', 'work_order_status_history', 'time_entries', 'quotes',
  'quote_lines', 'invoices', 'invoice_lines', 'payments', 'idempotency_keys', 'audit_log',
  'jobs', 'stripe_events', 'tenant_stripe_connect', 'federation_nonces', 'write_mutations', 'tenant_logos', 'rate_limit_buckets',
  'payment_requests', 'billing_token_credits',
  ...SERVER_ONLY_TABLES,
];

/** drizzle wraps the driver's error; the Postgres message is its cause. */
const RLS_VIOLATION = { cause: { message: expect.stringMatching(/row-level security/) } };

/** Migrations and row-level security, written once and run on PGlite and on Postgres. */
export function databaseSuite(engine: TestEngine) {
  describe(`database on ${engine.kind}`, () => {
    let db: Database;
    const A = 'org-a';
    const B = 'org-b';
    const bLead = crypto.randomUUID();

    beforeAll(async () => {
      db = await engine.open();
      await db.orm.insert(organization).values([
        { id: A, name: 'Tenant A', slug: 'tenant-a' },
        { id: B, name: 'Tenant B', slug: 'tenant-b' },
      ]);
      await db.orm.insert(leads).values([
        { orgId: A, name: 'A one' },
        { orgId: A, name: 'A two' },
        { orgId: A, name: 'A three' },
        { id: bLead, orgId: B, name: 'B one' },
        { orgId: B, name: 'B two' },
      ]);
    });
    afterAll(async () => {
      await db.close();
    });

    it('has every table of the data model', async () => {
      const rows = await db.rows<{ table_name: string }>(
        sql`select table_name from information_schema.tables where table_schema = 'public'`,
      );
      expect(rows.map((r) => r.table_name).sort()).toEqual([...EXPECTED_TABLES].sort());
    });

    it('re-applying migrations changes nothing', async () => {
      const count = async () =>
        (await db.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]?.n;
      const before = await count();
      await migrate(db);
      expect(await count()).toBe(before);
      expect(before).toBeGreaterThanOrEqual(3);
    });

    it('enables and forces RLS on every tenant table', async () => {
      const rows = await db.rows<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(sql`
        select c.relname, c.relrowsecurity, c.relforcerowsecurity
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and exists (select 1 from information_schema.columns col
                      where col.table_schema = 'public' and col.table_name = c.relname and col.column_name = 'org_id')`);
      const tenantTables = rows.filter((r) => !PLATFORM_TABLES_WITH_ORG.includes(r.relname) && !SERVER_ONLY_TABLES.includes(r.relname));
      expect(tenantTables.length).toBeGreaterThan(15);
      for (const r of tenantTables) {
        expect({ table: r.relname, rls: r.relrowsecurity, force: r.relforcerowsecurity }).toEqual({
          table: r.relname,
          rls: true,
          force: true,
        });
      }
    });

    it("gives the app role no access to the shape engine's tables", async () => {
      const rows = await db.rows<{ t: string; any: boolean }>(sql`
        select t, has_table_privilege('streamflow_app', t, 'select,insert,update,delete') as any
        from unnest(${`{${SERVER_ONLY_TABLES.join(',')}}`}::text[]) as t`);
      expect(rows).toEqual(SERVER_ONLY_TABLES.map((t) => ({ t, any: false })));
      await expect(withTenant(db, { orgId: A }, (tx) => db.rows(sql`select count(*) from sync_change_log`, tx))).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/permission denied/) },
      });
    });

    it('a bare SELECT as the app role sees only the tenant set for the transaction', async () => {
      const names = await withTenant(db, { orgId: A }, (tx) =>
        db.rows<{ name: string; org_id: string }>(sql`select name, org_id from leads order by name`, tx),
      );
      expect(names.map((r) => r.name)).toEqual(['A one', 'A three', 'A two']);
      expect(new Set(names.map((r) => r.org_id))).toEqual(new Set([A]));
    });

    it('runs statements issued together, without waiting, in order and all with the tenant set', async () => {
      const [first, second, third] = await withTenant(db, { orgId: A, userId: 'user-a' }, (tx) =>
        Promise.all([
          db.rows<{ who: string; org: string }>(sql`select current_user as who, current_setting('app.org_id') as org`, tx, { prepare: true }),
          tx.select({ orgId: leads.orgId }).from(leads),
          db.rows<{ by: string }>(sql`select current_setting('app.user_id') as by`, tx),
        ]),
      );
      expect(first).toEqual([{ who: 'streamflow_app', org: A }]);
      expect(new Set(second.map((r) => r.orgId))).toEqual(new Set([A]));
      expect(third).toEqual([{ by: 'user-a' }]);
    });

    it('answers a prepared statement like an unnamed one, as the owner and again under RLS', async () => {
      // One connection, so the statement prepared as the owner is the one run under RLS.
      const one = db.kind === 'postgres' && db.url ? openPostgres(db.url, { max: 1 }) : db;
      try {
        const count = sql`select count(*)::int as n from leads where name like ${'% one'}`;
        expect(await one.rows(count, undefined, { prepare: true })).toEqual([{ n: 2 }]);
        expect(await one.rows(count, undefined, { prepare: true })).toEqual([{ n: 2 }]);
        const inTenant = await withTenant(one, { orgId: B }, (tx) => one.rows(count, tx, { prepare: true }));
        expect(inTenant).toEqual([{ n: 1 }]);
        expect(await one.rows(count, undefined, { prepare: true })).toEqual([{ n: 2 }]);
      } finally {
        if (one !== db) await one.close();
      }
    });

    it('keeps nothing of a transaction whose last statement, sent with COMMIT, fails', async () => {
      const id = crypto.randomUUID();
      await expect(
        withTenantLast(db, { orgId: A }, async (tx) => {
          await tx.insert(leads).values({ id, orgId: A, name: 'kept only with its last statement' });
          return { value: 'done', last: db.rows(sql`select 1 / 0`, tx) };
        }),
      ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/division by zero/) } });
      expect(await db.rows(sql`select id from leads where id = ${id}`)).toEqual([]);
      const ok = await withTenantLast(db, { orgId: A }, async (tx) => {
        await tx.insert(leads).values({ id, orgId: A, name: 'kept' });
        return { value: 'done', last: db.rows(sql`update leads set name = 'kept with it' where id = ${id}`, tx) };
      });
      expect(ok).toBe('done');
      expect(await db.rows(sql`select name from leads where id = ${id}`)).toEqual([{ name: 'kept with it' }]);
      await db.rows(sql`delete from leads where id = ${id}`);
    });

    it("an UPDATE or DELETE of another tenant's row changes nothing", async () => {
      const updated = await withTenant(db, { orgId: A }, (tx) =>
        db.rows<{ id: string }>(sql`update leads set name = 'hijacked' where id = ${bLead} returning id`, tx),
      );
      const deleted = await withTenant(db, { orgId: A }, (tx) =>
        db.rows<{ id: string }>(sql`delete from leads where org_id = ${B} returning id`, tx),
      );
      expect(updated).toEqual([]);
      expect(deleted).toEqual([]);
      const [row] = await db.rows<{ name: string }>(sql`select name from leads where id = ${bLead}`);
      expect(row?.name).toBe('B one');
      const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from leads where org_id = ${B}`);
      expect(n).toBe(2);
    });

    it('refuses to write a row into another tenant', async () => {
      await expect(
        withTenant(db, { orgId: A }, (tx) => tx.insert(leads).values({ orgId: B, name: 'smuggled' })),
      ).rejects.toMatchObject(RLS_VIOLATION);
      await expect(
        withTenant(db, { orgId: A }, (tx) => db.rows(sql`update leads set org_id = ${B} where org_id = ${A}`, tx)),
      ).rejects.toMatchObject(RLS_VIOLATION);
    });

    it('sees nothing at all when no tenant is set', async () => {
      const rows = await db.orm.transaction(async (tx) => {
        await tx.execute(sql`set local role streamflow_app`);
        return db.rows(sql`select id from leads`, tx);
      });
      expect(rows).toEqual([]);
    });

    it('stamps updated_at and updated_by on tenant writes', async () => {
      const [before] = await db.rows<{ updated_at: string }>(sql`select updated_at::text from leads where id = ${bLead}`);
      await withTenant(db, { orgId: B, userId: 'user-b' }, (tx) =>
        db.rows(sql`update leads set status = 'contacted' where id = ${bLead}`, tx),
      );
      const [after] = await db.rows<{ updated_at: string; updated_by: string }>(
        sql`select updated_at::text, updated_by from leads where id = ${bLead}`,
      );
      expect(after?.updated_by).toBe('user-b');
      expect(after?.updated_at).not.toBe(before?.updated_at);
    });

    it('audits every use of the platform path', async () => {
      const seen = await withPlatform(db, { action: 'test.cross_tenant_count', actorUserId: 'staff-1' }, (tx) =>
        db.rows<{ n: number }>(sql`select count(*)::int as n from leads`, tx),
      );
      expect(seen[0]?.n).toBe(5);
      const audit = await db.rows<{ action: string; actor_user_id: string }>(
        sql`select action, actor_user_id from audit_log where action = 'platform.test.cross_tenant_count'`,
      );
      expect(audit).toEqual([{ action: 'platform.test.cross_tenant_count', actor_user_id: 'staff-1' }]);
    });
  });
}
