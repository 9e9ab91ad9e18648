import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { createJobRunner } from '../jobs/worker.ts';
import { signIn, TEST_ORIGIN } from '../testing/auth.ts';
import { buildTestApp, captureLogger, testClock } from '../testing/app.ts';
import { createTestPglite } from '../testing/db.ts';
import { provisioningJobHandlers } from './job-handlers.ts';
import { provisionTenant } from './register.ts';
import { loadTemplates } from './template-loader.ts';

describe('the welcome email of a platform-provisioned owner', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it('carries a one-time set-password link that the real /api/auth/reset-password accepts', async () => {
    // better-auth checks token expiry against the wall clock, so the jobs run on it too.
    const clock = testClock(new Date());
    const { app, env, mailer } = buildTestApp(db);
    const result = await provisionTenant(
      { db, clock, templates: loadTemplates(), source: 'signed' },
      { plan: 'pro', industry: 'healthcare', externalCustomerId: 'pw-1', company: { name: 'Lakeside Clinic' }, owner: { email: 'lee@lakeside.test', name: 'Lee' }, sampleData: false },
    );
    const handlers = provisioningJobHandlers({ db, env, clock, mailer });
    await createJobRunner({ db, clock, logger: captureLogger(), handlers }).runDueJobs();
    const welcome = mailer.sent.find((m) => m.to === 'lee@lakeside.test');
    const token = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(welcome?.text ?? '')?.[1];
    expect(token).toBeTruthy();

    await expect(signIn(app, 'lee@lakeside.test', 'chosen password 1')).rejects.toThrow();
    const reset = (newPassword: string) =>
      app.request('/api/auth/reset-password', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
        body: JSON.stringify({ token, newPassword }),
      });
    expect((await reset('chosen password 1')).status).toBe(200);
    const session = await signIn(app, 'lee@lakeside.test', 'chosen password 1');
    const me = (await (await app.request('/api/me', { headers: session.headers })).json()) as { id: string; tenantId: string; roles: string[] };
    expect(me).toMatchObject({ id: result.owner.id, tenantId: result.tenant.id, roles: ['owner'] });
    // One-time: the same link cannot be used again.
    expect((await reset('another password 2')).status).toBe(400);
  });
});
