import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { addTestUser, signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite } from '../testing/mutations.ts';
import { principalCacheOf } from './principal-cache.ts';

type TestApp = ReturnType<typeof buildTestApp>;

/**
 * The write path's principal cache (ADR 007) on PGlite and Postgres. Two app
 * instances share one database, as two sync-server processes behind a load
 * balancer do: each has its own cache. Every change to who the caller is
 * (role, membership, elevation, sign-out, tenant switch, expiry, staff) is
 * made through one instance or straight in the database, and must be honoured
 * by the very next write on the other instance, which had cached the caller.
 */
export function principalCacheSuite(engine: TestEngine) {
  describe(`the write path's principal cache on ${engine.kind}`, () => {
    let db: Database;
    let a: TestApp;
    let b: TestApp;
    let acme: string;
    let globex: string;

    const leadInsert = (name = 'Cached lead') => mutation.insert('leads', { id: crypto.randomUUID(), name });
    const leadRow = async (id: string) => (await db.rows<{ org_id: string; name: string }>(sql`select org_id, name from leads where id = ${id}`))[0];
    const roleId = async (org: string, key: string) =>
      (await db.rows<{ id: string }>(sql`select id from roles where org_id = ${org} and key = ${key}`))[0]?.id ?? '';
    /** A fresh acme member with `role`, signed in on instance A, whose principal instance B has cached. */
    const cachedOnB = async (role: string): Promise<{ s: SignedIn; userId: string; memberId: string }> => {
      const email = `${role}-${crypto.randomUUID().slice(0, 8)}@acme.test`;
      const { userId, memberId } = await addTestUser(db, { email, tenant: 'acme', role });
      const s = await signIn(a.app, email);
      const hits = principalCacheOf(b.auth).hits;
      // The first write resolves the principal and caches it; the second is served from the cache.
      for (let i = 0; i < 2; i++) {
        const m = role === 'worker' ? mutation.update('leads', crypto.randomUUID(), { name: 'x' }, { name: 'y' }) : leadInsert();
        const r = await postWrite(b.app, s.headers, [m]);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.results[0]?.status).toBe(role === 'worker' ? 'rejected' : 'applied');
      }
      expect(principalCacheOf(b.auth).hits).toBe(hits + 1);
      return { s, userId, memberId: memberId ?? '' };
    };

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      a = buildTestApp(db);
      b = buildTestApp(db);
      const orgs = await db.rows<{ id: string; slug: string }>(sql`select id, slug from organization`);
      acme = orgs.find((o) => o.slug === 'acme')?.id ?? '';
      globex = orgs.find((o) => o.slug === 'globex')?.id ?? '';
    });
    afterAll(async () => {
      await db.close();
    });

    it('serves a repeat writer from the cache and refuses it at once when another instance takes a permission away', async () => {
      const { s, memberId } = await cachedOnB('manager');
      // The owner moves this member to the worker role through instance A.
      const owner = await signIn(a.app, 'owner@acme.test');
      const moved = await a.app.request(`/api/admin/members/${memberId}/roles`, {
        method: 'PUT',
        headers: { ...owner.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ roleIds: [await roleId(acme, 'worker')] }),
      });
      expect(moved.status).toBe(200);
      const m = leadInsert('After the role change');
      const r = await postWrite(b.app, s.headers, [m]);
      expect(r.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      expect(await leadRow(m.pk.id)).toBeUndefined();
      // Given back, the permission works again on the very next write.
      await db.rows(sql`update member_roles set role_id = ${await roleId(acme, 'manager')} where member_id = ${memberId}`);
      const back = leadInsert('Manager again');
      expect((await postWrite(b.app, s.headers, [back])).body.results[0]?.status).toBe('applied');
    });

    it('honours a role change in the same instance on the next write', async () => {
      const { s, memberId } = await cachedOnB('manager');
      await db.rows(sql`update member_roles set role_id = ${await roleId(acme, 'worker')} where member_id = ${memberId}`);
      const r = await postWrite(b.app, s.headers, [leadInsert()]);
      expect(r.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    });

    it('refuses a removed member with 403 and writes nothing', async () => {
      const { s, memberId } = await cachedOnB('manager');
      await db.rows(sql`delete from member_roles where member_id = ${memberId}`);
      await db.rows(sql`delete from member where id = ${memberId}`);
      const m = leadInsert('After removal');
      const r = await postWrite(b.app, s.headers, [m]);
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe('NO_TENANT');
      expect(await leadRow(m.pk.id)).toBeUndefined();
    });

    it('uses an elevation approved on another instance at once, and drops it at revocation and at expiry', async () => {
      const { s } = await cachedOnB('worker');
      const owner = await signIn(a.app, 'owner@acme.test');
      // leads.create is beyond a field worker's ceiling: asked on A, approved by the owner on A (docs/elevation.md).
      const ask = () =>
        a.app.request('/api/admin/elevations', {
          method: 'POST',
          headers: { ...s.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ scopes: ['leads.create'], reason: 'Logging a lead for a customer on site', minutes: 5, password: 'streamflow-demo' }),
        });
      const approve = async (asked: Response) => {
        expect(asked.status).toBe(202);
        const { id: requestId } = (await asked.json()) as { id: string };
        return a.app.request(`/api/admin/elevation-requests/${requestId}/approve`, {
          method: 'POST',
          headers: { ...owner.headers, 'content-type': 'application/json' },
          body: '{}',
        });
      };
      const asked = await ask();
      const pending = leadInsert('Pending');
      expect((await postWrite(b.app, s.headers, [pending])).body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      const first = await approve(asked);
      expect(first.status).toBe(201);
      expect((await postWrite(b.app, s.headers, [leadInsert('Elevated')])).body.results[0]?.status).toBe('applied');
      const id = ((await first.json()) as { id: string }).id;
      const revoked = await a.app.request(`/api/admin/elevations/${id}`, { method: 'DELETE', headers: s.headers });
      expect(revoked.status).toBe(204);
      expect((await postWrite(b.app, s.headers, [leadInsert('Revoked')])).body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });

      expect((await approve(await ask())).status).toBe(201);
      expect((await postWrite(b.app, s.headers, [leadInsert('Elevated again')])).body.results[0]?.status).toBe('applied');
      // Both instances' clocks move on past expires_at.
      a.clock.advance(5 * 60_000 + 1);
      b.clock.advance(5 * 60_000 + 1);
      const expired = leadInsert('Expired');
      expect((await postWrite(b.app, s.headers, [expired])).body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      expect(await leadRow(expired.pk.id)).toBeUndefined();
    });

    it('answers 401 after sign-out on another instance, also for a batch it would refuse anyway', async () => {
      const { s } = await cachedOnB('manager');
      const out = await a.app.request('/api/auth/sign-out', { method: 'POST', headers: { ...s.headers, 'content-type': 'application/json' }, body: '{}' });
      expect(out.status).toBe(200);
      const m = leadInsert('After sign-out');
      const r = await postWrite(b.app, s.headers, [m]);
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe('UNAUTHENTICATED');
      expect(await leadRow(m.pk.id)).toBeUndefined();
      const malformed = await b.app.request('/api/write', {
        method: 'POST',
        headers: { ...s.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: '{"mutations": [',
      });
      expect(malformed.status).toBe(401);
    });

    it('answers 401 once the session has expired, and for a replayed key', async () => {
      const { s, userId } = await cachedOnB('manager');
      const m = leadInsert('Before expiry');
      const first = await postWrite(b.app, s.headers, [m]);
      expect(first.body.results[0]?.status).toBe('applied');
      await db.rows(sql`update session set expires_at = now() - interval '1 minute' where user_id = ${userId}`);
      const replay = await postWrite(b.app, s.headers, [m], first.key);
      expect(replay.status).toBe(401);
      expect((await postWrite(b.app, s.headers, [leadInsert()])).status).toBe(401);
    });

    it('writes into the tenant switched to on another instance', async () => {
      const { s, userId } = await cachedOnB('manager');
      const memberId = crypto.randomUUID();
      await db.rows(sql`insert into member (id, organization_id, user_id, role) values (${memberId}, ${globex}, ${userId}, 'member')`);
      await db.rows(sql`insert into member_roles (org_id, member_id, role_id) values (${globex}, ${memberId}, ${await roleId(globex, 'manager')})`);
      const sw = await a.app.request('/api/auth/organization/set-active', {
        method: 'POST',
        headers: { ...s.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ organizationId: globex }),
      });
      expect(sw.status).toBe(200);
      const m = leadInsert('In the new tenant');
      expect((await postWrite(b.app, s.headers, [m])).body.results[0]?.status).toBe('applied');
      expect((await leadRow(m.pk.id))?.org_id).toBe(globex);
    });

    it('refuses a member who became platform staff, as the wrong space', async () => {
      const { s, userId } = await cachedOnB('manager');
      await db.rows(sql`insert into platform_staff (user_id, space) values (${userId}, 'dev')`);
      const m = leadInsert('As staff');
      const r = await postWrite(b.app, s.headers, [m]);
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe('WRONG_SPACE');
      expect(await leadRow(m.pk.id)).toBeUndefined();
    });

    it('serves a bearer token from the cache too, and drops it on sign-out in this instance', async () => {
      const email = `bearer-${crypto.randomUUID().slice(0, 8)}@acme.test`;
      await addTestUser(db, { email, tenant: 'acme', role: 'manager' });
      const s = await signIn(b.app, email);
      const bearer = { authorization: `Bearer ${s.token}`, origin: s.headers.origin ?? '' };
      const hits = principalCacheOf(b.auth).hits;
      expect((await postWrite(b.app, bearer, [leadInsert()])).body.results[0]?.status).toBe('applied');
      expect((await postWrite(b.app, bearer, [leadInsert()])).body.results[0]?.status).toBe('applied');
      expect(principalCacheOf(b.auth).hits).toBe(hits + 1);
      const out = await b.app.request('/api/auth/sign-out', { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{}' });
      expect(out.status).toBe(200);
      expect((await postWrite(b.app, bearer, [leadInsert()])).status).toBe(401);
      expect(principalCacheOf(b.auth).hits).toBe(hits + 1);
    });
  });
}
