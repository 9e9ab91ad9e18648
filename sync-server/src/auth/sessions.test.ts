import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';
import type { SessionView } from './sessions.ts';

/** A lost phone: its owner or the tenant's owner ends its session, and every route (writes too) is signed out at once. */
describe('sessions: listed without tokens, revoked by their user or by an owner', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let workerMemberId: string;
  let ownerMemberId: string;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
    const ids = await db.rows<{ id: string; email: string }>(
      sql`select m.id, u.email from member m join "user" u on u.id = m.user_id join organization o on o.id = m.organization_id where o.slug = 'acme'`,
    );
    workerMemberId = ids.find((r) => r.email === 'worker@acme.test')?.id ?? '';
    ownerMemberId = ids.find((r) => r.email === 'owner@acme.test')?.id ?? '';
  });
  afterAll(async () => {
    await db.close();
  });

  const call = async (s: SignedIn, method: string, path: string) => {
    const res = await t.app.request(path, { method, headers: { ...s.headers, 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const write = (s: SignedIn) =>
    t.app.request('/api/write', {
      method: 'POST',
      headers: { ...s.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ mutations: [{ id: crypto.randomUUID(), table: 'leads', op: 'delete', pk: { id: crypto.randomUUID() } }] }),
    });

  it('lets a user see their sessions (no tokens) and end the others', async () => {
    const phone = await signIn(t.app, 'manager@acme.test');
    const laptop = await signIn(t.app, 'manager@acme.test');
    const listed = await call(laptop, 'GET', '/api/me/sessions');
    expect(listed.status).toBe(200);
    const sessions = listed.body.sessions as SessionView[];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toMatch(/token/i);
    const stored = await db.rows<{ token: string }>(sql`select token from session`);
    for (const { token } of stored) expect(JSON.stringify(listed.body)).not.toContain(token);
    const phoneId = sessions.find((s) => !s.current)?.id ?? '';
    const one = await call(laptop, 'DELETE', `/api/me/sessions/${phoneId}`);
    expect(one).toEqual({ status: 200, body: { revoked: 1 } });
    expect((await t.app.request('/api/me', { headers: phone.headers })).status).toBe(401);
    expect((await t.app.request('/api/me', { headers: laptop.headers })).status).toBe(200);
    // Another user's session id is not found.
    const other = await signIn(t.app, 'worker@acme.test');
    const [otherId] = await db.rows<{ id: string }>(sql`select s.id from session s join "user" u on u.id = s.user_id where u.email = 'worker@acme.test' limit 1`);
    expect((await call(laptop, 'DELETE', `/api/me/sessions/${otherId?.id ?? ''}`)).status).toBe(404);
    expect((await t.app.request('/api/me', { headers: other.headers })).status).toBe(200);
    const tablet = await signIn(t.app, 'manager@acme.test');
    expect((await call(laptop, 'DELETE', '/api/me/sessions')).status).toBe(200);
    expect((await t.app.request('/api/me', { headers: tablet.headers })).status).toBe(401);
    expect((await t.app.request('/api/me', { headers: laptop.headers })).status).toBe(200);
  });

  it("lets the owner list and end a worker's sessions (a lost phone), audited, effective on writes at once", async () => {
    const owner = await signIn(t.app, 'owner@acme.test');
    const phone = await signIn(t.app, 'worker@acme.test');
    expect((await write(phone)).status).toBe(200);
    const listed = await call(owner, 'GET', `/api/admin/members/${workerMemberId}/sessions`);
    expect(listed.status).toBe(200);
    const sessions = listed.body.sessions as SessionView[];
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => !('token' in s) && !s.current)).toBe(true);
    const ended = await call(owner, 'DELETE', `/api/admin/members/${workerMemberId}/sessions`);
    expect(ended.status).toBe(200);
    expect(ended.body.revoked).toBe(sessions.length);
    expect((await write(phone)).status).toBe(401);
    expect((await t.app.request('/api/me', { headers: phone.headers })).status).toBe(401);
    const [audit] = await db.rows<{ actor: string; target: string; org: string }>(
      sql`select u.email as actor, t.email as target, o.slug as org from audit_log a join "user" u on u.id = a.actor_user_id
          join "user" t on t.id = a.target_id join organization o on o.id = a.org_id where a.action = 'sessions.revoked' order by a.at desc limit 1`,
    );
    expect(audit).toEqual({ actor: 'owner@acme.test', target: 'worker@acme.test', org: 'acme' });
    // One session by id.
    const again = await signIn(t.app, 'worker@acme.test');
    const [s] = (await call(owner, 'GET', `/api/admin/members/${workerMemberId}/sessions`)).body.sessions as SessionView[];
    expect((await call(owner, 'DELETE', `/api/admin/members/${workerMemberId}/sessions/${s?.id ?? ''}`)).body).toEqual({ revoked: 1 });
    expect((await t.app.request('/api/me', { headers: again.headers })).status).toBe(401);
  });

  it("keeps other tenants, workers and managers away from sessions that are not theirs to end", async () => {
    const otherOwner = await signIn(t.app, 'owner@globex.test');
    expect((await call(otherOwner, 'GET', `/api/admin/members/${workerMemberId}/sessions`)).status).toBe(404);
    expect((await call(otherOwner, 'DELETE', `/api/admin/members/${workerMemberId}/sessions`)).status).toBe(404);
    const worker = await signIn(t.app, 'worker@acme.test');
    expect((await call(worker, 'DELETE', `/api/admin/members/${ownerMemberId}/sessions`)).status).toBe(403);
    const manager = await signIn(t.app, 'manager@acme.test');
    expect((await call(manager, 'DELETE', `/api/admin/members/${ownerMemberId}/sessions`)).body).toMatchObject({ error: { code: 'OWNER_SESSIONS' } });
    const owner = await signIn(t.app, 'owner@acme.test');
    expect((await t.app.request('/api/me', { headers: owner.headers })).status).toBe(200);
  });
});
