import { sql } from 'drizzle-orm';
import { hashPassword } from 'better-auth/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { jobsRoutes } from '../jobs/routes.ts';
import { onboardingRoutes } from '../onboarding/routes.ts';
import { signIn, TEST_ORIGIN } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';
import { provisioningRoutes } from './routes.ts';
import { buildRoutesTestApp, signUpConfirmed } from './test-support.ts';

/** Creates a platform staff account (what the staff CLI does). */
async function staff(db: Database, email: string, space: 'provider' | 'dev'): Promise<void> {
  const id = crypto.randomUUID();
  await db.rows(sql`insert into "user" (id, name, email, email_verified) values (${id}, ${space}, ${email}, true)`);
  await db.rows(sql`insert into account (id, account_id, provider_id, user_id, password)
                    values (${crypto.randomUUID()}, ${id}, 'credential', ${id}, ${await hashPassword('staff password 1')})`);
  await db.rows(sql`insert into platform_staff (user_id, space) values (${id}, ${space})`);
}

describe('provisioning, onboarding and jobs behind real sessions and guards', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
    await staff(db, 'ops@platform.test', 'provider');
    await staff(db, 'dev@platform.test', 'dev');
  });
  afterAll(async () => {
    await db.close();
  });

  it('signs up, signs in on the new tenant as owner, and keeps each space to its own routes', async () => {
    const { app, mailer } = buildRoutesTestApp(db, [provisioningRoutes, onboardingRoutes, jobsRoutes], {}, { realSessions: true });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, ...headers }, body: JSON.stringify(body) });

    const signup = await signUpConfirmed({ app, mailer }, {
      signupId: crypto.randomUUID(),
      industry: 'professional_services',
      company: { name: 'Ledger & Co' },
      owner: { email: 'max@ledger.test', name: 'Max', password: 'max password 123' },
    });
    expect(signup.status).toBe(201);
    const { tenant, next } = (await signup.json()) as { tenant: { id: string }; next: { dashboard: string } };

    const owner = await signIn(app, 'max@ledger.test', 'max password 123');
    const me = (await (await app.request('/api/me', { headers: owner.headers })).json()) as { tenantId: string; space: string; roles: string[] };
    expect(me).toEqual(expect.objectContaining({ tenantId: tenant.id, space: 'client', roles: ['owner'] }));
    expect(next.dashboard).toBe(`/tenant/${me.tenantId}/${me.space}/dashboard`);
    const view = await app.request('/api/onboarding', { headers: owner.headers });
    expect(view.status).toBe(200);
    expect(((await view.json()) as { isOwner: boolean; tenant: { templateName: string } })).toMatchObject({ isOwner: true, tenant: { templateName: 'Professional services' } });

    const register = { plan: 'starter', industry: 'healthcare', externalCustomerId: 'real-1', company: { name: 'Real Clinic' }, owner: { email: 'real@clinic.test', name: 'R' } };
    expect((await post('/api/tenant/register', register, owner.headers)).status).toBe(403);
    expect((await app.request('/api/dev/jobs', { headers: owner.headers })).status).toBe(403);

    const ops = await signIn(app, 'ops@platform.test', 'staff password 1');
    expect((await post('/api/tenant/register', register, ops.headers)).status).toBe(201);
    expect((await app.request('/api/onboarding', { headers: ops.headers })).status).toBe(403);

    const dev = await signIn(app, 'dev@platform.test', 'staff password 1');
    const jobs = await app.request('/api/dev/jobs?status=queued', { headers: dev.headers });
    expect(jobs.status).toBe(200);
    const kinds = ((await jobs.json()) as { jobs: { kind: string }[] }).jobs.map((j) => j.kind).sort();
    expect(kinds).toEqual(['email.welcome', 'email.welcome', 'federation.handshake', 'federation.handshake']);
    expect((await app.request('/api/onboarding')).status).toBe(401);
  });
});
