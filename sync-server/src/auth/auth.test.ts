import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { entitlementsFor } from '@streamflow/schema';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, TEST_ORIGIN } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';

interface Me {
  id: string;
  email: string;
  orgId: string | null;
  tenantId: string | null;
  space: string;
  roles: string[];
  perms: string[];
}

describe('auth and /api/me', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let acmeId: string;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
    acmeId = (await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`))[0]?.id ?? '';
  });
  afterAll(async () => {
    await db.close();
  });

  const me = async (headers: Record<string, string>) => t.app.request('/api/me', { headers });

  it('answers 401 in the envelope without a session', async () => {
    const res = await t.app.request('/api/me');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  it('signs the owner in to their only tenant with every permission', async () => {
    const owner = await signIn(t.app, 'owner@acme.test');
    const res = await me(owner.headers);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Me;
    expect(body).toMatchObject({ email: 'owner@acme.test', orgId: acmeId, tenantId: acmeId, space: 'client', roles: ['owner'] });
    expect(body.perms).toContain('roles.manage');
    expect(body.perms).toContain('leads.update');
    // The template's pipeline, in order, so the app's board works offline.
    const { pipeline } = body as unknown as { pipeline: { key: string; label: string; outcome?: string }[] };
    expect(pipeline.map((s) => s.key)).toEqual(['new', 'site_visit', 'quote_sent', 'negotiation', 'won', 'lost']);
    expect(pipeline.find((s) => s.key === 'won')).toEqual({ key: 'won', label: 'Won', outcome: 'won' });
    // The plan's modules (demo tenants are on pro): the app leaves out what is off.
    expect((body as unknown as { modules: Record<string, boolean> }).modules).toMatchObject({ invoicing: true, work_orders: true });
  });

  it('gives the worker only the worker permissions', async () => {
    const worker = await signIn(t.app, 'worker@acme.test');
    const body = (await (await me(worker.headers)).json()) as Me;
    expect(body.roles).toEqual(['worker']);
    expect(body.perms).not.toContain('leads.read');
    expect(body.perms).toContain('work_orders.update');
  });

  it("tells a tenant on a smaller plan which modules are off", async () => {
    await db.rows(sql`update organization set entitlements = ${JSON.stringify(entitlementsFor('starter', 'active'))}::jsonb where slug = 'globex'`);
    try {
      const owner = await signIn(t.app, 'owner@globex.test');
      const body = (await (await me(owner.headers)).json()) as { modules: Record<string, boolean> };
      expect(body.modules).toMatchObject({ invoicing: false, quotes: false, work_orders: true, crm: true });
    } finally {
      await db.rows(sql`update organization set entitlements = '{}'::jsonb where slug = 'globex'`);
    }
  });

  it('accepts the same session as a bearer token', async () => {
    const owner = await signIn(t.app, 'owner@globex.test');
    expect(owner.token).not.toBe('');
    const body = (await (await me({ authorization: `Bearer ${owner.token}` })).json()) as Me;
    expect(body.email).toBe('owner@globex.test');
    expect(body.orgId).not.toBe(acmeId);
  });

  it('refuses a wrong password and ends the session on sign-out', async () => {
    const bad = await t.app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
      body: JSON.stringify({ email: 'owner@acme.test', password: 'wrong-password' }),
    });
    expect(bad.status).toBe(401);
    const [ownerRow] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'owner@acme.test'`);
    const failed = await db.rows(
      sql`select actor_user_id, org_id, space, target_id, details->>'email' as email from audit_log
          where action = 'auth.sign_in' and outcome = 'failed'`,
    );
    expect(failed).toEqual([{ actor_user_id: null, org_id: acmeId, space: 'client', target_id: ownerRow?.id, email: 'owner@acme.test' }]);
    const unknown = await t.app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
      body: JSON.stringify({ email: 'nobody@acme.test', password: 'wrong-password' }),
    });
    expect(unknown.status).toBe(401);
    const [none] = await db.rows(sql`select org_id, target_id from audit_log where action = 'auth.sign_in' and details->>'email' = 'nobody@acme.test'`);
    expect(none).toEqual({ org_id: null, target_id: null });
    const s = await signIn(t.app, 'manager@acme.test');
    expect((await me(s.headers)).status).toBe(200);
    const out = await t.app.request('/api/auth/sign-out', { method: 'POST', headers: { ...s.headers, 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).toBe(200);
    expect((await me(s.headers)).status).toBe(401);
  });

  it('puts platform staff in their own space with no tenant', async () => {
    const [u] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'manager@acme.test'`);
    await db.rows(sql`insert into platform_staff (user_id, space) values (${u?.id ?? ''}, 'dev')`);
    try {
      const s = await signIn(t.app, 'manager@acme.test');
      const body = (await (await me(s.headers)).json()) as Me;
      expect(body).toMatchObject({ space: 'dev', orgId: null, roles: ['dev'], perms: [] });
    } finally {
      await db.rows(sql`delete from platform_staff where user_id = ${u?.id ?? ''}`);
    }
  });

  it('resets a password through the emailed link', async () => {
    const ask = await t.app.request('/api/auth/request-password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
      body: JSON.stringify({ email: 'owner@globex.test', redirectTo: '/reset-password' }),
    });
    expect(ask.status).toBe(200);
    const mail = t.mailer.sent.find((m) => m.to === 'owner@globex.test');
    expect(mail?.subject).toMatch(/Reset your StreamFlow password/);
    const token = /reset-password\/([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
    expect(token).toBeTruthy();
    const reset = await t.app.request('/api/auth/reset-password', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
      body: JSON.stringify({ newPassword: 'a-brand-new-password', token }),
    });
    expect(reset.status).toBe(200);
    await expect(signIn(t.app, 'owner@globex.test')).rejects.toThrow(/401/);
    const again = await signIn(t.app, 'owner@globex.test', 'a-brand-new-password');
    expect((await me(again.headers)).status).toBe(200);
    const reused = await t.app.request('/api/auth/reset-password', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
      body: JSON.stringify({ newPassword: 'another-new-password', token }),
    });
    expect(reused.status).toBe(400);
    const [u] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'owner@globex.test'`);
    const trail = await db.rows(
      sql`select action, outcome, target_id from audit_log where action like 'auth.password_reset%' order by id`,
    );
    expect(trail).toEqual([
      { action: 'auth.password_reset_request', outcome: 'succeeded', target_id: u?.id },
      { action: 'auth.password_reset', outcome: 'succeeded', target_id: u?.id },
      { action: 'auth.password_reset', outcome: 'failed', target_id: null },
    ]);
  });

  it('keeps a user\'s theme on the server for every device, refusing a theme that does not exist', async () => {
    const owner = await signIn(t.app, 'manager@acme.test');
    const before = (await (await me(owner.headers)).json()) as { theme: string | null; brandColor: string | null };
    expect(before.theme).toBeNull();
    const put = (body: unknown) =>
      t.app.request('/api/me/preferences', { method: 'PUT', headers: { ...owner.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await put({ theme: 'neon' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect((await put({ theme: 'forest', extra: 1 })).status).toBe(422);
    expect((await put({ theme: 'forest' })).status).toBe(200);
    // Another device (a second sign-in) gets the same theme.
    const other = await signIn(t.app, 'manager@acme.test');
    expect(((await (await me(other.headers)).json()) as { theme: string }).theme).toBe('forest');
    // Nobody else's changed.
    const owner2 = await signIn(t.app, 'owner@acme.test');
    expect(((await (await me(owner2.headers)).json()) as { theme: string | null }).theme).toBeNull();
  });

  it('sends the tenant\'s brand colour to its members, and none to staff spaces', async () => {
    await db.rows(sql`update organization set settings = settings || '{"brandColor":"#0a6a86"}'::jsonb where id = ${acmeId}`);
    const worker = await signIn(t.app, 'worker@acme.test');
    expect(((await (await me(worker.headers)).json()) as { brandColor: string | null }).brandColor).toBe('#0a6a86');
    const provider = await signIn(t.app, 'provider@streamflow.test');
    expect(((await (await me(provider.headers)).json()) as { brandColor: string | null }).brandColor).toBeNull();
  });
});
