import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { addTestUser, signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite } from '../testing/mutations.ts';

interface Role {
  id: string;
  key: string;
  permissions: string[];
  version: number;
}

/** Role admin, elevation and the audit API, on PGlite and Postgres. */
export function adminSuite(engine: TestEngine) {
  describe(`owner administration on ${engine.kind}: roles, elevation, audit`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let owner: SignedIn;
    let worker: SignedIn;
    const json = (body: unknown) => ({
      'content-type': 'application/json',
      body: JSON.stringify(body),
    });
    const call = async (who: SignedIn, method: string, path: string, body?: unknown) => {
      const res = await t.app.request(path, {
        method,
        headers: { ...who.headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: json(body).body }),
      });
      return {
        status: res.status,
        body: (res.status === 204 ? null : await res.json()) as Record<string, unknown>,
      };
    };
    const roles = async () => (await call(owner, 'GET', '/api/admin/roles')).body.roles as Role[];
    const me = async (who: SignedIn) =>
      (await (await t.app.request('/api/me', { headers: who.headers })).json()) as {
        perms: string[];
      };

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db);
      [owner, worker] = await Promise.all([
        signIn(t.app, 'owner@acme.test'),
        signIn(t.app, 'worker@acme.test'),
      ]);
    });
    afterAll(async () => {
      await db.close();
    });

    it('clones a role, and a manager moved to it without leads.update is refused at once; versions and audit show it', async () => {
      const manager = await signIn(t.app, 'manager@acme.test');
      const lead = crypto.randomUUID();
      expect(
        (
          await postWrite(t.app, manager.headers, [
            mutation.insert('leads', { id: lead, name: 'L' }),
          ])
        ).body.results[0]?.status,
      ).toBe('applied');
      const managerRole = (await roles()).find((r) => r.key === 'manager');
      const clone = await call(owner, 'POST', `/api/admin/roles/${managerRole?.id}/clone`, {
        key: 'junior_manager',
        name: 'Junior manager',
      });
      expect(clone.status).toBe(201);
      const cloneId = String(clone.body.id);
      const toggled = await call(owner, 'PATCH', `/api/admin/roles/${cloneId}`, {
        remove: ['leads.update'],
      });
      expect(toggled.status).toBe(200);
      expect(toggled.body.permissions).not.toContain('leads.update');
      const members = (await call(owner, 'GET', '/api/admin/members')).body.members as {
        id: string;
        email: string;
      }[];
      const m = members.find((x) => x.email === 'manager@acme.test');
      expect(
        (await call(owner, 'PUT', `/api/admin/members/${m?.id}/roles`, { roleIds: [cloneId] })).body
          .roles,
      ).toEqual(['junior_manager']);

      const refused = await postWrite(t.app, manager.headers, [
        mutation.update('leads', lead, { name: 'M' }, { name: 'L' }),
      ]);
      expect(refused.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });

      const versions = (await call(owner, 'GET', `/api/admin/roles/${cloneId}/versions`)).body
        .versions as { version: number; permissions: string[] }[];
      expect(versions.map((v) => v.version)).toEqual([2, 1]);
      expect(versions[1]?.permissions).toContain('leads.update');
      expect(versions[0]?.permissions).not.toContain('leads.update');
      const audit = (await call(owner, 'GET', '/api/admin/audit?action=roles.')).body.entries as {
        action: string;
        target_id: string;
      }[];
      expect(audit.filter((a) => a.target_id === cloneId).map((a) => a.action)).toEqual([
        'roles.change',
        'roles.change',
      ]);
    });

    it('keeps roles.manage on the owner role and at least one owner', async () => {
      const ownerRole = (await roles()).find((r) => r.key === 'owner');
      const strip = await call(owner, 'PATCH', `/api/admin/roles/${ownerRole?.id}`, {
        remove: ['roles.manage'],
      });
      expect(strip.status).toBe(422);
      expect((strip.body.error as { code: string }).code).toBe('OWNER_NEEDS_ROLES_MANAGE');
      const members = (await call(owner, 'GET', '/api/admin/members')).body.members as {
        id: string;
        email: string;
      }[];
      const me_ = members.find((x) => x.email === 'owner@acme.test');
      const staff = (await roles()).find((r) => r.key === 'staff');
      const demote = await call(owner, 'PUT', `/api/admin/members/${me_?.id}/roles`, {
        roleIds: [staff?.id],
      });
      expect(demote.status).toBe(422);
      expect((demote.body.error as { code: string }).code).toBe('LAST_OWNER');
      const del = await call(owner, 'DELETE', `/api/admin/roles/${ownerRole?.id}`);
      expect(del.status).toBe(422);
    });

    it('refuses role admin to a worker, with an audit record', async () => {
      const res = await call(worker, 'GET', '/api/admin/roles');
      expect(res.status).toBe(403);
      const [row] = await db.rows<{ n: number }>(
        sql`select count(*)::int as n from audit_log where outcome = 'denied' and target_id = '/api/admin/roles'`,
      );
      expect(row?.n).toBeGreaterThan(0);
    });

    it('grants an elevation only with the password and a reason, uses it, expires it by the clock, and revokes', async () => {
      const wrong = await call(worker, 'POST', '/api/admin/elevations', {
        scopes: ['leads.read'],
        reason: 'Customer on the phone needs lead history',
        minutes: 15,
        password: 'nope',
      });
      expect(wrong.status).toBe(403);
      const tooLong = await call(worker, 'POST', '/api/admin/elevations', {
        scopes: ['leads.read'],
        reason: 'Customer on the phone',
        minutes: 120,
        password: 'streamflow-demo',
      });
      expect(tooLong.status).toBe(422);
      expect((await me(worker)).perms).not.toContain('leads.read');
      const granted = await call(worker, 'POST', '/api/admin/elevations', {
        scopes: ['leads.read'],
        reason: 'Customer on the phone needs lead history',
        minutes: 15,
        password: 'streamflow-demo',
      });
      expect(granted.status).toBe(201);
      expect((await me(worker)).perms).toContain('leads.read');
      t.clock.advance(16 * 60_000);
      expect((await me(worker)).perms).not.toContain('leads.read');
      t.clock.advance(-16 * 60_000);
      expect((await me(worker)).perms).toContain('leads.read');
      expect(
        (await call(worker, 'DELETE', `/api/admin/elevations/${String(granted.body.id)}`)).status,
      ).toBe(204);
      expect((await me(worker)).perms).not.toContain('leads.read');
      const audit = await db.rows<{ action: string; outcome: string }>(
        sql`select action, outcome from audit_log where action like 'elevation.%' order by id`,
      );
      expect(audit).toEqual([
        { action: 'elevation.grant', outcome: 'denied' },
        { action: 'elevation.grant', outcome: 'succeeded' },
        { action: 'elevation.revoke', outcome: 'succeeded' },
      ]);
    });

    it('lets a worker use an owner-approved scope on the write API from the next batch until the clock passes expires_at', async () => {
      const [l] = await db.rows<{ id: string; name: string }>(
        sql`select l.id, l.name from leads l join organization o on o.id = l.org_id where o.slug = 'acme' limit 1`,
      );
      const rename = (name: string, base: string) =>
        postWrite(t.app, worker.headers, [mutation.update('leads', l?.id ?? '', { name }, { name: base })]);
      expect((await rename('Before elevation', l?.name ?? '')).body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      // leads.update is beyond a field worker's ceiling: it waits for an owner, and does nothing until then.
      const asked = await call(worker, 'POST', '/api/admin/elevations', {
        scopes: ['leads.read', 'leads.update'],
        reason: 'Fixing a lead name while the office is closed',
        minutes: 5,
        password: 'streamflow-demo',
      });
      expect(asked.status).toBe(202);
      expect(asked.body).toMatchObject({ status: 'pending', beyond: ['leads.update'] });
      expect((await rename('While pending', l?.name ?? '')).body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      const approved = await call(owner, 'POST', `/api/admin/elevation-requests/${String(asked.body.id)}/approve`, {});
      expect(approved.status).toBe(201);
      expect((await rename('During elevation', l?.name ?? '')).body.results[0]).toMatchObject({ status: 'applied' });
      t.clock.advance(5 * 60_000 + 1);
      expect((await rename('After expiry', 'During elevation')).body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      const [after] = await db.rows<{ name: string }>(sql`select name from leads where id = ${l?.id ?? ''}`);
      expect(after?.name).toBe('During elevation');
    });

    it('never elevates to a permission that would outlast the elevation (roles.manage and the like)', async () => {
      for (const scope of ['roles.manage', 'members.manage', 'billing.manage', 'settings.manage']) {
        const res = await call(worker, 'POST', '/api/admin/elevations', {
          scopes: ['leads.read', scope],
          reason: 'I would like to make myself the owner',
          minutes: 5,
          password: 'streamflow-demo',
        });
        expect(res.status).toBe(422);
        expect((res.body.error as { code: string }).code).toBe('SCOPE_NOT_ELEVATABLE');
      }
      expect((await me(worker)).perms).not.toContain('roles.manage');
      expect((await call(worker, 'GET', '/api/admin/roles')).status).toBe(403);
      const [denied] = await db.rows<{ n: number }>(
        sql`select count(*)::int as n from audit_log where action = 'elevation.grant' and outcome = 'denied' and details->>'code' = 'SCOPE_NOT_ELEVATABLE'`,
      );
      expect(denied?.n).toBe(4);
    });

    it("pages the audit log and shows an owner only their tenant's records", async () => {
      const globex = await signIn(t.app, 'owner@globex.test');
      const page1 = await call(owner, 'GET', '/api/admin/audit?limit=2');
      expect((page1.body.entries as unknown[]).length).toBe(2);
      const page2 = await call(
        owner,
        'GET',
        `/api/admin/audit?limit=2&before=${String(page1.body.next)}`,
      );
      const ids = [
        ...(page1.body.entries as { id: string }[]),
        ...(page2.body.entries as { id: string }[]),
      ].map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(ids.length);
      const theirs = (await call(globex, 'GET', '/api/admin/audit?limit=200')).body.entries as {
        action: string;
      }[];
      expect(theirs.some((e) => e.action.startsWith('roles.'))).toBe(false);
    });

    it('pages the audit log newest first by number, not text, across digit boundaries, skipping nothing (owner and staff)', async () => {
      const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
      const [top] = await db.rows<{ max: string }>(sql`select coalesce(max(id), 0)::text as max from audit_log`);
      // The next ids cross a power of ten (e.g. 997 .. 1004), below it sit the seeded 1..99..100.. ids.
      const boundary = 10 ** String(Number(top?.max ?? 0) + 5).length;
      await db.rows(sql`select setval(pg_get_serial_sequence('audit_log', 'id'), ${boundary - 4})`);
      for (let i = 0; i < 8; i++) {
        await db.rows(sql`insert into audit_log (org_id, space, action, outcome) values (${acme?.id ?? ''}, 'client', 'paging.test', 'succeeded')`);
      }
      await addTestUser(db, { email: 'audit-pager@platform.test', space: 'provider' });
      const staff = await signIn(t.app, 'audit-pager@platform.test');
      const expected = (await db.rows<{ id: string }>(sql`select id::text as id from audit_log where org_id = ${acme?.id ?? ''} order by audit_log.id desc`)).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(12);
      for (const [who, query] of [[owner, ''], [staff, `&tenant=${acme?.id ?? ''}`]] as const) {
        const seen: string[] = [];
        let next: string | null = null;
        do {
          const page = await call(who, 'GET', `/api/admin/audit?limit=5${query}${next ? `&before=${next}` : ''}`);
          expect(page.status).toBe(200);
          seen.push(...(page.body.entries as { id: string }[]).map((e) => e.id));
          next = page.body.next as string | null;
        } while (next);
        expect(seen[0]).toBe(String(boundary + 4));
        expect(seen).toEqual(expected);
      }
    });

    it('shows provider staff every tenant, narrowed by tenant on request, and refuses accounting staff', async () => {
      await addTestUser(db, { email: 'audit-provider@platform.test', space: 'provider' });
      await addTestUser(db, { email: 'audit-books@platform.test', space: 'accounting', tenants: ['acme'] });
      const provider = await signIn(t.app, 'audit-provider@platform.test');
      const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
      const all = (await call(provider, 'GET', '/api/admin/audit?limit=200')).body.entries as { org_id: string | null }[];
      expect(new Set(all.map((e) => e.org_id)).size).toBeGreaterThan(1);
      const one = (await call(provider, 'GET', `/api/admin/audit?limit=200&tenant=${acme?.id ?? ''}`)).body.entries as { org_id: string | null }[];
      expect(one.length).toBeGreaterThan(0);
      expect(one.every((e) => e.org_id === acme?.id)).toBe(true);
      const books = await signIn(t.app, 'audit-books@platform.test');
      expect((await call(books, 'GET', '/api/admin/audit')).status).toBe(403);
    });
  });
}
