import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnboardingView } from '@streamflow/schema';
import { withTenant } from '../db/tenant.ts';
import type { Database } from '../db/types.ts';
import { provisionTenant } from '../provisioning/register.ts';
import { loadTemplates } from '../provisioning/template-loader.ts';
import { buildRoutesTestApp, jsonPost, testPrincipal } from '../provisioning/test-support.ts';
import { testClock } from '../testing/app.ts';
import { createTestPglite } from '../testing/db.ts';
import { onboardingRoutes } from './routes.ts';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1]);
const put = (body: unknown): RequestInit => ({ ...jsonPost(body), method: 'PUT' });

describe('onboarding wizard and checklist', () => {
  let db: Database;
  let orgId: string;
  let ownerId: string;
  beforeAll(async () => {
    db = await createTestPglite();
    const r = await provisionTenant(
      { db, clock: testClock(), templates: loadTemplates(), source: 'provider' },
      { plan: 'starter', industry: 'home_services', externalCustomerId: 'onb-1', company: { name: 'Fixit Homes' }, owner: { email: 'olga@fixit.test', name: 'Olga' }, sampleData: true },
    );
    orgId = r.tenant.id;
    ownerId = r.owner.id;
  });
  afterAll(async () => {
    await db.close();
  });

  const setup = () => {
    const t = buildRoutesTestApp(db, [onboardingRoutes], { LOGO_MAX_BYTES: '2048' });
    const owner = testPrincipal({ space: 'client', orgId, userId: ownerId, roles: ['owner'] });
    t.as(owner);
    const view = async () => (await (await t.app.request('/api/onboarding')).json()) as OnboardingView;
    return { ...t, owner, view };
  };
  const done = (v: OnboardingView) => Object.fromEntries(v.checklist.map((c) => [c.key, c.done]));

  it('starts pending, with the template checklist unticked (sample data does not count) and the template modules', async () => {
    const { view } = setup();
    const v = await view();
    expect(v.isOwner).toBe(true);
    expect(v.wizard).toEqual({ status: 'pending', step: null, completedSteps: [] });
    expect(done(v)).toEqual({ first_lead: false, invite_team: false, first_work_order: false, connect_payments: false });
    expect(v.modules.find((m) => m.key === 'work_orders')?.enabled).toBe(true);
    expect(v.modules.find((m) => m.key === 'reports')?.enabled).toBe(false);
    expect(v.integrations.payments.available).toBe(false);
    expect(v.tips).toEqual([]);
  });

  it('is resumable and skippable', async () => {
    const t = setup();
    await t.app.request('/api/onboarding/wizard', put({ step: 'team', completedStep: 'business_hours' }));
    expect((await t.view()).wizard).toEqual({ status: 'in_progress', step: 'team', completedSteps: ['business_hours'] });
    await t.app.request('/api/onboarding/wizard', put({ status: 'skipped' }));
    expect((await t.view()).wizard).toMatchObject({ status: 'skipped', step: 'team' });
  });

  it('saves business hours and modules, refusing invalid hours and turning off the core module', async () => {
    const t = setup();
    const days = { mon: { open: '08:00', close: '17:00' }, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
    expect((await t.app.request('/api/onboarding/business-hours', put({ timezone: 'Europe/Berlin', days: { ...days, mon: { open: '18:00', close: '09:00' } } }))).status).toBe(422);
    expect((await t.app.request('/api/onboarding/business-hours', put({ timezone: 'Europe/Berlin', days }))).status).toBe(200);
    expect((await t.view()).businessHours).toEqual({ timezone: 'Europe/Berlin', days });
    expect((await t.app.request('/api/onboarding/modules', put({ modules: { crm: false } }))).status).toBe(422);
    expect((await t.app.request('/api/onboarding/modules', put({ modules: { quotes: false, reports: true } }))).status).toBe(200);
    const m = (await t.view()).modules;
    expect(m.find((x) => x.key === 'quotes')?.enabled).toBe(false);
    expect(m.find((x) => x.key === 'reports')?.enabled).toBe(true);
  });

  it('saves the brand colour as lower-case #rrggbb, refuses anything else, and resets it with null', async () => {
    const t = setup();
    for (const color of ['red', '#abc', '#12345g', 'url(x)', 42]) {
      const res = await t.app.request('/api/onboarding/brand', put({ color }));
      expect({ color, status: res.status }).toEqual({ color, status: 422 });
    }
    expect((await t.view()).brandColor).toBeNull();
    expect((await t.app.request('/api/onboarding/brand', put({ color: '#0A6A86' }))).status).toBe(200);
    expect((await t.view()).brandColor).toBe('#0a6a86');
    expect((await t.app.request('/api/onboarding/brand', put({ color: null }))).status).toBe(200);
    expect((await t.view()).brandColor).toBeNull();
    const audited = await db.rows<{ action: string }>(sql`select action from audit_log where org_id = ${orgId} and action = 'settings.brand'`);
    expect(audited.length).toBe(2);
  });

  it('invites the team through email jobs, once per address, and ticks "invite your team"', async () => {
    const t = setup();
    expect((await t.app.request('/api/onboarding/invites', jsonPost({ invites: [{ email: 'x@fixit.test', role: 'owner' }] }))).status).toBe(422);
    const res = await t.app.request('/api/onboarding/invites', jsonPost({ invites: [{ email: 'Tom@Fixit.test', role: 'worker' }, { email: 'sue@fixit.test', role: 'staff' }] }));
    expect(res.status).toBe(201);
    await t.app.request('/api/onboarding/invites', jsonPost({ invites: [{ email: 'tom@fixit.test', role: 'worker' }] }));
    const [jobs] = await db.rows<{ n: number }>(sql`select count(*)::int as n from jobs where kind = 'email.invite' and org_id = ${orgId}`);
    expect(jobs?.n).toBe(2);
    expect(done(await t.view()).invite_team).toBe(true);
    t.as(testPrincipal({ space: 'client', orgId, roles: ['worker'] }));
    expect((await t.app.request('/api/onboarding/invites', jsonPost({ invites: [{ email: 'z@fixit.test', role: 'worker' }] }))).status).toBe(403);
  });

  it('stores a logo in the database with a size and type limit', async () => {
    const t = setup();
    const up = (body: Uint8Array, type: string) => t.app.request('/api/onboarding/logo', { method: 'PUT', headers: { 'content-type': type }, body });
    expect((await up(new Uint8Array(4096).fill(1), 'image/png')).status).toBe(413);
    expect((await up(new TextEncoder().encode('<svg onload="alert(1)"/>'), 'image/svg+xml')).status).toBe(415);
    expect((await up(PNG, 'image/jpeg')).status).toBe(415);
    const ok = await up(PNG, 'image/png');
    expect(ok.status).toBe(200);
    const { logoUrl } = (await ok.json()) as { logoUrl: string };
    const img = await t.app.request(logoUrl);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(PNG);
    expect((await t.view()).tenant.logoUrl).toBe(logoUrl);
  });

  it('ticks the first lead and first work order from real data, and shows first-run tips to a worker', async () => {
    const t = setup();
    await withTenant(db, { orgId, userId: ownerId }, async (tx) => {
      await db.rows(sql`insert into leads (org_id, name) values (${orgId}, 'First real lead')`, tx);
      await db.rows(sql`insert into work_orders (org_id, number, title) values (${orgId}, 'WO-0001', 'First job')`, tx);
    });
    const d = done(await t.view());
    expect(d).toMatchObject({ first_lead: true, first_work_order: true, connect_payments: false });
    t.as(testPrincipal({ space: 'client', orgId, roles: ['worker'] }));
    const v = await t.view();
    expect(v.isOwner).toBe(false);
    expect(v.tips[0]).toContain('14 days');
    expect((await t.app.request('/api/onboarding/wizard', put({ status: 'completed' }))).status).toBe(403);
  });
});
