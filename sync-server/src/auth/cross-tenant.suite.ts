import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITABLE_TABLES } from '@streamflow/schema';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite } from '../testing/mutations.ts';

/** Where one of Acme's records goes in a route that takes an id, and the body sent with it. */
interface IdCase {
  id: (acme: AcmeIds) => string;
  body?: (acme: AcmeIds) => unknown;
}

interface AcmeIds {
  orgId: string;
  roleId: string;
  staffRoleId: string;
  memberId: string;
  elevationId: string;
  requestId: string;
  jobId: string;
  /** A session of Acme's worker (the phone another tenant's owner would like to sign out). */
  sessionId: string;
}

/**
 * Every route whose path takes an id, with one of Acme's records to aim at.
 * A new `:param` route without a row here fails the suite.
 */
const ID_ROUTES: Record<string, IdCase> = {
  'POST /api/admin/roles/:id/clone': { id: (a) => a.roleId, body: () => ({ key: 'stolen_role', name: 'Stolen' }) },
  'PATCH /api/admin/roles/:id': { id: (a) => a.roleId, body: () => ({ name: 'hijacked', remove: ['leads.read'], add: ['billing.manage'] }) },
  'DELETE /api/admin/roles/:id': { id: (a) => a.staffRoleId },
  'GET /api/admin/roles/:id/versions': { id: (a) => a.roleId },
  'PUT /api/admin/members/:id/roles': { id: (a) => a.memberId, body: (a) => ({ roleIds: [a.roleId] }) },
  'DELETE /api/admin/elevations/:id': { id: (a) => a.elevationId },
  'POST /api/admin/elevation-requests/:id/approve': { id: (a) => a.requestId, body: () => ({}) },
  'POST /api/admin/elevation-requests/:id/deny': { id: (a) => a.requestId, body: () => ({}) },
  'DELETE /api/admin/elevation-requests/:id': { id: (a) => a.requestId },
  'POST /api/dev/jobs/:id/retry': { id: (a) => a.jobId },
  'GET /api/admin/members/:id/sessions': { id: (a) => a.memberId },
  'DELETE /api/admin/members/:id/sessions': { id: (a) => a.memberId },
  'DELETE /api/admin/members/:id/sessions/:sessionId': { id: (a) => a.memberId },
  'DELETE /api/me/sessions/:sessionId': { id: (a) => a.sessionId },
};

/**
 * Cross-tenant access (PRODUCT.md 2): Globex's owner aims at Acme's records
 * through every route that takes an id, and through the write API for every
 * writable table. Each answer is 404 or 403 (never a leak), and none of
 * Acme's rows change. Runs on PGlite and Postgres.
 */
export function crossTenantSuite(engine: TestEngine) {
  describe(`cross-tenant access by id on ${engine.kind}`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let globex: SignedIn;
    let acme: AcmeIds;

    /** A fingerprint of every row Acme owns, in every table with an org_id (the audit log gains denials, on purpose). */
    const acmeFingerprint = async (): Promise<Record<string, string>> => {
      const tables = await db.rows<{ table_name: string }>(
        sql`select table_name from information_schema.columns
            where table_schema = 'public' and column_name = 'org_id' and table_name <> 'audit_log' order by table_name`,
      );
      const out: Record<string, string> = {};
      for (const { table_name: name } of tables) {
        const [row] = await db.rows<{ h: string | null }>(
          sql`select md5(string_agg(t::text, '|' order by t::text)) as h from ${sql.identifier(name)} t where t.org_id::text = ${acme.orgId}`,
        );
        out[name] = row?.h ?? '';
      }
      const [m] = await db.rows<{ h: string | null }>(sql`select md5(string_agg(t::text, '|' order by t::text)) as h from member t where organization_id = ${acme.orgId}`);
      const [o] = await db.rows<{ h: string | null }>(sql`select md5(t::text) as h from organization t where id = ${acme.orgId}`);
      const [s] = await db.rows<{ h: string | null }>(
        sql`select md5(string_agg(s.id, '|' order by s.id)) as h from session s join member m on m.user_id = s.user_id where m.organization_id = ${acme.orgId}`,
      );
      return { ...out, member: m?.h ?? '', organization: o?.h ?? '', sessions: s?.h ?? '' };
    };

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db);
      const [ids] = await db.rows<Omit<AcmeIds, 'elevationId' | 'requestId' | 'jobId'>>(sql`
        select o.id as "orgId",
          (select id from roles where org_id = o.id and key = 'manager') as "roleId",
          (select id from roles where org_id = o.id and key = 'staff') as "staffRoleId",
          (select m.id from member m join "user" u on u.id = m.user_id where m.organization_id = o.id and u.email = 'worker@acme.test') as "memberId"
        from organization o where o.slug = 'acme'`);
      if (!ids) throw new Error('seed has acme');
      const [worker] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'worker@acme.test'`);
      const [elevation] = await db.rows<{ id: string }>(
        sql`insert into elevations (org_id, user_id, scopes, reason, expires_at)
            values (${ids.orgId}, ${worker?.id ?? ''}, '{leads.read}', 'Customer on the phone', now() + interval '1 hour') returning id`,
      );
      const [request] = await db.rows<{ id: string }>(
        sql`insert into elevation_requests (org_id, user_id, scopes, reason, minutes, requested_at)
            values (${ids.orgId}, ${worker?.id ?? ''}, '{audit.read}', 'Checking who changed a lead', 15, now()) returning id`,
      );
      const [job] = await db.rows<{ id: string }>(
        sql`insert into jobs (kind, org_id, status, attempts) values ('email', ${ids.orgId}, 'dead', 8) returning id`,
      );
      await signIn(t.app, 'worker@acme.test');
      const [session] = await db.rows<{ id: string }>(sql`select id from session where user_id = ${worker?.id ?? ''} limit 1`);
      acme = { ...ids, elevationId: elevation?.id ?? '', requestId: request?.id ?? '', jobId: job?.id ?? '', sessionId: session?.id ?? '' };
      globex = await signIn(t.app, 'owner@globex.test');
    });
    afterAll(async () => {
      await db.close();
    });

    it("answers 404 or 403 for Acme's records on every route that takes an id, and changes nothing", async () => {
      const routes = (t.app as unknown as { routes: { method: string; path: string }[] }).routes;
      const withIds = [...new Set(routes.filter((r) => r.method !== 'ALL' && /\/:[a-z]/i.test(r.path)).map((r) => `${r.method} ${r.path}`))];
      expect(withIds.sort()).toEqual(Object.keys(ID_ROUTES).sort());
      const before = await acmeFingerprint();
      const got: Record<string, number> = {};
      for (const [route, spec] of Object.entries(ID_ROUTES)) {
        const [method, pattern] = route.split(' ') as [string, string];
        const path = pattern.replace(/:[a-zA-Z]+/, spec.id(acme)).replace(':sessionId', acme.sessionId);
        const body = spec.body?.(acme);
        const res = await t.app.request(path, {
          method,
          headers: { ...globex.headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        got[route] = [403, 404].includes(res.status) ? 0 : res.status;
        if (res.status === 404) {
          // Denied exactly like a missing record: the body names nothing of Acme's.
          expect(await res.text()).not.toContain(spec.id(acme));
        }
      }
      expect(got).toEqual(Object.fromEntries(Object.keys(ID_ROUTES).map((k) => [k, 0])));
      expect(await acmeFingerprint()).toEqual(before);
      // Control: the fingerprint does see a change made by Acme's own owner.
      expect(before['roles']).toMatch(/^[0-9a-f]{32}$/);
      const owner = await signIn(t.app, 'owner@acme.test');
      const own = await t.app.request(`/api/admin/roles/${acme.roleId}`, {
        method: 'PATCH',
        headers: { ...owner.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Managers' }),
      });
      expect(own.status).toBe(200);
      expect((await acmeFingerprint())['roles']).not.toBe(before['roles']);
    });

    it("rejects updates and deletes of Acme's rows of every writable table through the write API, and changes nothing", async () => {
      const before = await acmeFingerprint();
      const mutations = [];
      for (const table of Object.keys(WRITABLE_TABLES)) {
        const [row] = await db.rows<{ id: string }>(sql`select id::text as id from ${sql.identifier(table)} where org_id::text = ${acme.orgId} limit 1`);
        if (!row) continue;
        mutations.push(mutation.update(table, row.id, { updated_by: 'x' }, {}), mutation.delete(table, row.id));
      }
      expect(mutations.length).toBeGreaterThan(8);
      const r = await postWrite(t.app, globex.headers, mutations);
      expect(r.status).toBe(200);
      for (const result of r.body.results) expect(result.status).toBe('rejected');
      expect(await acmeFingerprint()).toEqual(before);
    });
  });
}
