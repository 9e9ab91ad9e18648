import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEngine } from '../testing/db.ts';
import { withTenant } from './tenant.ts';
import type { Database } from './types.ts';

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'USAGE';

/** What the tenant role `streamflow_app` holds on one relation: table-wide privileges, and column ones. */
interface Grant {
  table: Privilege[];
  columns?: Partial<Record<Privilege, string[]>>;
}

const NONE: Grant = { table: [] };
const ALL_DML: Grant = { table: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'] };

/** Tenant data under forced RLS, written through /api/write and the owner routes. */
const TENANT_DATA = [
  'roles', 'role_permissions', 'member_roles', 'role_versions', 'elevations', 'elevation_requests',
  'companies', 'contacts', 'leads', 'opportunities', 'tasks', 'activities',
  'work_orders', 'work_order_status_history', 'time_entries',
  'quotes', 'quote_lines', 'invoices', 'invoice_lines', 'payments', 'payment_requests',
];

/** Auth and platform tables the tenant role may not touch at all. */
const OUT_OF_REACH = [
  'session', 'account', 'verification', 'invitation', 'platform_staff', 'accountant_tenants',
  'jobs', 'stripe_events', 'federation_nonces', 'rate_limit_buckets', 'billing_token_credits',
  'sync_change_log', 'sync_commits', 'sync_shape_handles', 'sync_state',
];

/**
 * Every relation of the public schema and what the tenant role may do on it
 * (ADR 011). A table, view or sequence missing here fails the suite until a
 * migration grants it exactly what tenant work needs (or nothing) and it is
 * added here.
 */
const ALLOWED: Record<string, Grant> = {
  ...Object.fromEntries(TENANT_DATA.map((t) => [t, ALL_DML])),
  ...Object.fromEntries(OUT_OF_REACH.map((t) => [t, NONE])),
  idempotency_keys: { table: ['INSERT', 'SELECT', 'UPDATE'] },
  write_mutations: { table: ['INSERT', 'SELECT', 'UPDATE'] },
  tenant_stripe_connect: { table: ['INSERT', 'SELECT', 'UPDATE'] },
  tenant_logos: { table: ['INSERT', 'SELECT', 'UPDATE'] },
  audit_log: { table: ['INSERT', 'SELECT'] },
  audit_log_id_seq: { table: ['USAGE'] },
  sync_lsn_seq: NONE,
  sync_change_log_seq_seq: NONE,
  organization: { table: [], columns: { SELECT: ['created_at', 'entitlements', 'id', 'industry', 'logo', 'name', 'plan', 'settings', 'slug', 'updated_at'] } },
  member: { table: [], columns: { SELECT: ['created_at', 'id', 'organization_id', 'role', 'user_id'] } },
  user: { table: [], columns: { SELECT: ['email', 'id', 'name'] } },
};

/** The only SECURITY DEFINER functions: each one a narrow, reviewed door past the grants. */
const SECURITY_DEFINER = [
  'streamflow_payment_request_job', 'streamflow_session_active', 'streamflow_staff_space',
  'streamflow_sync_assign_lsn', 'streamflow_sync_capture',
];

const DENIED = { cause: { message: expect.stringMatching(/permission denied/) } };

/** The tenant role's privileges, written once and run on PGlite and on Postgres. */
export function grantsSuite(engine: TestEngine) {
  describe(`tenant role grants on ${engine.kind}`, () => {
    let db: Database;
    const A = 'grants-org-a';
    const B = 'grants-org-b';
    /** Runs one statement as the tenant role with tenant A set. */
    const asTenant = (statement: string) => withTenant(db, { orgId: A, userId: 'grants-user-a' }, (tx) => db.rows(sql.raw(statement), tx));
    let columnsOf: Map<string, string[]>;

    beforeAll(async () => {
      db = await engine.open();
      await db.rows(sql`insert into organization (id, name, slug, stripe_customer_id) values
        (${A}, 'Tenant A', 'grants-a', 'cus_secret_a'), (${B}, 'Tenant B', 'grants-b', 'cus_secret_b')`);
      await db.rows(sql`insert into "user" (id, name, email) values
        ('grants-user-a', 'Ann', 'ann@a.test'), ('grants-user-b', 'Bob', 'bob@b.test')`);
      await db.rows(sql`insert into member (id, organization_id, user_id, role) values
        ('grants-member-a', ${A}, 'grants-user-a', 'owner'), ('grants-member-b', ${B}, 'grants-user-b', 'owner')`);
      await db.rows(sql`insert into session (id, expires_at, token, user_id, active_organization_id) values
        ('grants-session-a', now() + interval '1 day', 'token-of-ann', 'grants-user-a', ${A}),
        ('grants-session-b', now() + interval '1 day', 'token-of-bob', 'grants-user-b', ${B})`);
      await db.rows(sql`insert into account (id, account_id, provider_id, user_id, password) values
        ('grants-account-b', 'grants-user-b', 'credential', 'grants-user-b', 'hash-of-bob')`);
      const cols = await db.rows<{ t: string; c: string }>(sql`
        select table_name as t, column_name as c from information_schema.columns where table_schema = 'public' order by ordinal_position`);
      columnsOf = new Map();
      for (const { t, c } of cols) columnsOf.set(t, [...(columnsOf.get(t) ?? []), c]);
    });
    afterAll(async () => {
      await db.close();
    });

    it('grants exactly the allow-list on every table, view and sequence of the schema', async () => {
      const relations = await db.rows<{ name: string; privs: string[] }>(sql`
        select c.relname as name,
          coalesce((select array_agg(a.privilege_type::text order by a.privilege_type) from aclexplode(c.relacl) a
                     where a.grantee = (select oid from pg_roles where rolname = 'streamflow_app')), '{}') as privs
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')`);
      const columns = await db.rows<{ name: string; col: string; priv: string }>(sql`
        select c.relname as name, att.attname::text as col, a.privilege_type::text as priv
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute att on att.attrelid = c.oid and att.attnum > 0 and not att.attisdropped
          cross join lateral aclexplode(att.attacl) a
        where n.nspname = 'public' and a.grantee = (select oid from pg_roles where rolname = 'streamflow_app')
        order by att.attname`);
      const actual: Record<string, Grant> = {};
      for (const r of relations) actual[r.name] = { table: r.privs as Privilege[] };
      for (const c of columns) {
        const g = (actual[c.name] ??= { table: [] });
        const byPriv = (g.columns ??= {});
        (byPriv[c.priv as Privilege] ??= []).push(c.col);
      }
      expect(actual).toEqual(ALLOWED);
    });

    it('gives a table made later nothing until its migration grants it', async () => {
      await db.rows(sql`create table grants_probe (id int primary key, org_id text)`);
      try {
        const [row] = await db.rows<{ any: boolean }>(sql`select has_table_privilege('streamflow_app', 'grants_probe', 'select,insert,update,delete') as any`);
        expect(row?.any).toBe(false);
        await expect(asTenant('select id from grants_probe')).rejects.toMatchObject(DENIED);
      } finally {
        await db.rows(sql`drop table grants_probe`);
      }
    });

    it('keeps every table the role can touch under row-level security', async () => {
      const rows = await db.rows<{ name: string; rls: boolean; policies: number }>(sql`
        select c.relname as name, c.relrowsecurity as rls,
          (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')
          and (has_table_privilege('streamflow_app', c.oid, 'select,insert,update,delete')
               or has_any_column_privilege('streamflow_app', c.oid, 'select,insert,update'))`);
      expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(ALLOWED).filter((t) => ALLOWED[t] !== NONE && !t.endsWith('_seq')).sort());
      for (const r of rows) expect({ table: r.name, rls: r.rls, policies: r.policies > 0 }).toEqual({ table: r.name, rls: true, policies: true });
    });

    it('has only the reviewed SECURITY DEFINER functions', async () => {
      const rows = await db.rows<{ name: string }>(sql`
        select p.proname::text as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef order by 1`);
      expect(rows.map((r) => r.name)).toEqual(SECURITY_DEFINER);
    });

    describe('refuses the tenant role every statement on a table out of its reach', () => {
      for (const table of OUT_OF_REACH) {
        it(table, async () => {
          const first = columnsOf.get(table)?.[0];
          expect(first).toBeDefined();
          await expect(asTenant(`select * from "${table}" limit 1`)).rejects.toMatchObject(DENIED);
          await expect(asTenant(`insert into "${table}" default values`)).rejects.toMatchObject(DENIED);
          await expect(asTenant(`update "${table}" set "${first}" = "${first}"`)).rejects.toMatchObject(DENIED);
          await expect(asTenant(`delete from "${table}"`)).rejects.toMatchObject(DENIED);
        });
      }
    });

    it("cannot read any user's session token or any password hash", async () => {
      await expect(asTenant('select token from session')).rejects.toMatchObject(DENIED);
      await expect(asTenant('select password from account')).rejects.toMatchObject(DENIED);
    });

    it('cannot make anyone platform staff', async () => {
      await expect(asTenant(`insert into platform_staff (user_id, space) values ('grants-user-a', 'provider')`)).rejects.toMatchObject(DENIED);
      expect(await db.rows(sql`select 1 from platform_staff where user_id = 'grants-user-a'`)).toEqual([]);
    });

    it('cannot move a member to another tenant, add one or remove one', async () => {
      await expect(asTenant(`update member set organization_id = '${B}' where id = 'grants-member-a'`)).rejects.toMatchObject(DENIED);
      await expect(asTenant(`insert into member (id, organization_id, user_id) values ('m-x', '${A}', 'grants-user-b')`)).rejects.toMatchObject(DENIED);
      await expect(asTenant(`delete from member`)).rejects.toMatchObject(DENIED);
      expect(await db.rows(sql`select organization_id from member where id = 'grants-member-a'`)).toEqual([{ organization_id: A }]);
    });

    it("reads only its own tenant's organization, members and users, and only their granted columns", async () => {
      expect(await asTenant('select id, name from organization')).toEqual([{ id: A, name: 'Tenant A' }]);
      expect(await asTenant('select id, organization_id from member')).toEqual([{ id: 'grants-member-a', organization_id: A }]);
      expect(await asTenant('select id, email from "user"')).toEqual([{ id: 'grants-user-a', email: 'ann@a.test' }]);
      await expect(asTenant('select stripe_customer_id from organization')).rejects.toMatchObject(DENIED);
      await expect(asTenant('select * from organization')).rejects.toMatchObject(DENIED);
      await expect(asTenant('select email_verified from "user"')).rejects.toMatchObject(DENIED);
      await expect(asTenant(`update organization set plan = 'scale'`)).rejects.toMatchObject(DENIED);
      await expect(asTenant(`update "user" set email = 'taken@a.test'`)).rejects.toMatchObject(DENIED);
    });

    it('can add to the audit log but never change or remove a record', async () => {
      await asTenant(`insert into audit_log (org_id, action, outcome) values ('${A}', 'grants.probe', 'succeeded')`);
      await expect(asTenant(`update audit_log set action = 'rewritten'`)).rejects.toMatchObject(DENIED);
      await expect(asTenant('delete from audit_log')).rejects.toMatchObject(DENIED);
      expect(await db.rows(sql`select action from audit_log where action = 'grants.probe'`)).toEqual([{ action: 'grants.probe' }]);
    });

    it('answers the session check only for a session active in its own tenant', async () => {
      const check = (session: string, user: string) =>
        withTenant(db, { orgId: A }, (tx) => db.rows<{ ok: boolean }>(sql`select streamflow_session_active(${session}, ${user}) as ok`, tx));
      expect(await check('grants-session-a', 'grants-user-a')).toEqual([{ ok: true }]);
      expect(await check('grants-session-b', 'grants-user-b')).toEqual([{ ok: false }]);
      expect(await check('grants-session-a', 'grants-user-b')).toEqual([{ ok: false }]);
    });
  });
}
