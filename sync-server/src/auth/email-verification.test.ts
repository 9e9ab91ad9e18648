import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { addTestUser, signIn, TEST_ORIGIN } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';

/** No account can use an address nobody proved to own: not to sign in, not to take an invitation sent to it. */
describe('email verification', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
  });
  afterAll(async () => {
    await db.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, ...headers }, body: JSON.stringify(body) });

  it('keeps a squatter from taking an invitation addressed to someone else', async () => {
    const owner = await signIn(t.app, 'owner@acme.test');
    expect((await post('/api/onboarding/invites', { invites: [{ email: 'newbie@acme.test', role: 'worker' }] }, owner.headers)).status).toBe(201);
    const [invite] = await db.rows<{ id: string }>(sql`select id from invitation where email = 'newbie@acme.test'`);
    // better-auth's open sign-up is not there...
    const signUp = await post('/api/auth/sign-up/email', { email: 'newbie@acme.test', password: 'squatter password', name: 'Squatter' });
    expect(signUp.status).toBe(404);
    // ...and the app's sign-up creates no account before the link in the invitee's inbox is opened.
    const trial = await post('/api/tenant/signup', {
      signupId: crypto.randomUUID(),
      industry: 'home_services',
      company: { name: 'Squat Co' },
      owner: { email: 'newbie@acme.test', name: 'Squatter', password: 'squatter password' },
    });
    expect(trial.status).toBe(202);
    expect(await db.rows(sql`select id from "user" where email = 'newbie@acme.test'`)).toEqual([]);
    await expect(signIn(t.app, 'newbie@acme.test', 'squatter password')).rejects.toThrow(/401/);
    // better-auth's own acceptance (outside the app's roles and audit) is not there either.
    expect((await post('/api/auth/organization/accept-invitation', { invitationId: invite?.id })).status).toBe(404);
    expect(await db.rows(sql`select status from invitation where email = 'newbie@acme.test'`)).toEqual([{ status: 'pending' }]);
  });

  it('refuses to sign in an unverified account, mails it a link, and the link verifies and signs it in', async () => {
    await addTestUser(db, { email: 'unproven@acme.test', tenant: 'acme', role: 'worker' });
    await db.rows(sql`update "user" set email_verified = false where email = 'unproven@acme.test'`);
    const refused = await post('/api/auth/sign-in/email', { email: 'unproven@acme.test', password: 'streamflow-demo' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('EMAIL_NOT_VERIFIED');
    // A wrong password learns nothing about verification.
    expect((await post('/api/auth/sign-in/email', { email: 'unproven@acme.test', password: 'wrong-password' })).status).toBe(401);
    const mail = t.mailer.sent.filter((m) => m.to === 'unproven@acme.test').at(-1);
    const link = /https?:\/\/\S+\/api\/auth\/verify-email\?\S+/.exec(mail?.text ?? '')?.[0] ?? '';
    expect(link).not.toBe('');
    const url = new URL(link);
    const opened = await t.app.request(url.pathname + url.search, { headers: { origin: TEST_ORIGIN } });
    expect(opened.status).toBe(302);
    const cookie = opened.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect((await t.app.request('/api/me', { headers: { cookie } })).status).toBe(200);
    expect(await db.rows(sql`select email_verified from "user" where email = 'unproven@acme.test'`)).toEqual([{ email_verified: true }]);
    await expect(signIn(t.app, 'unproven@acme.test')).resolves.toBeTruthy();
  });
});
