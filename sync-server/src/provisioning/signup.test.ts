import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { verifyPassword } from 'better-auth/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { createJobRunner } from '../jobs/worker.ts';
import { captureLogger } from '../testing/app.ts';
import { createTestPglite } from '../testing/db.ts';
import { capturingMailer } from '../mailer/mailer.ts';
import { provisioningJobHandlers } from './job-handlers.ts';
import { provisioningRoutes } from './routes.ts';
import { verifySignedRequest } from './signed-request.ts';
import { buildRoutesTestApp, jsonPost, signUpConfirmed, signupToken } from './test-support.ts';

const FED_SECRET = 'federation-test-secret-0123456789abcdefgh';

describe('public sign-up', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  const signup = (over: Record<string, unknown> = {}) => ({
    signupId: '6f1c1a52-8f43-4d55-9d3c-1b1c5e0e7a10',
    industry: 'home_services',
    company: { name: 'Sparkle Cleaning' },
    owner: { email: 'ana@sparkle.test', name: 'Ana Sparkle', password: 'correct horse battery' },
    ...over,
  });

  it('creates nothing until the owner opens the emailed link; then the tenant and a verified owner; a double submit is one tenant', async () => {
    const t = buildRoutesTestApp(db, [provisioningRoutes]);
    const industries = (await (await t.app.request('/api/tenant/industries')).json()) as { industries: { key: string }[] };
    expect(industries.industries.map((i) => i.key)).toContain('home_services');

    const asked = await t.app.request('/api/tenant/signup', jsonPost(signup()));
    expect(asked.status).toBe(202);
    expect(await asked.json()).toEqual({ verification: 'sent', email: 'ana@sparkle.test' });
    // No account holds the address yet: nobody can sign in as it or accept an invitation sent to it.
    expect(await db.rows(sql`select id from "user" where email = 'ana@sparkle.test'`)).toEqual([]);
    expect(await db.rows(sql`select id from organization where name = 'Sparkle Cleaning'`)).toEqual([]);
    const mail = t.mailer.sent.filter((m) => m.to === 'ana@sparkle.test').at(-1);
    expect(mail?.subject).toMatch(/Confirm your email/);
    // The link's token is not what the database keeps.
    const token = signupToken(t.mailer, 'ana@sparkle.test');
    expect(await db.rows(sql`select id from verification where identifier like ${`%${token}%`} or value like ${`%${token}%`}`)).toEqual([]);

    const res = await t.app.request('/api/tenant/signup/verify', jsonPost({ token }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { tenant: { id: string; externalCustomerId: string }; next: { dashboard: string } };
    expect(body.tenant.externalCustomerId).toBe('signup:6f1c1a52-8f43-4d55-9d3c-1b1c5e0e7a10');
    expect(body.next.dashboard).toBe(`/tenant/${body.tenant.id}/client/dashboard`);
    const [cred] = await db.rows<{ password: string; email_verified: boolean }>(sql`
      select a.password, u.email_verified from account a join "user" u on u.id = a.user_id where u.email = 'ana@sparkle.test' and a.provider_id = 'credential'`);
    expect(await verifyPassword({ hash: cred!.password, password: 'correct horse battery' })).toBe(true);
    expect(cred?.email_verified).toBe(true);
    // The link works once.
    const reused = await t.app.request('/api/tenant/signup/verify', jsonPost({ token }));
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('SIGNUP_LINK_INVALID');

    const again = await t.app.request('/api/tenant/signup', jsonPost(signup()));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { tenant: { id: string } }).tenant.id).toBe(body.tenant.id);
    const other = await t.app.request('/api/tenant/signup', jsonPost(signup({ owner: { ...signup().owner, password: 'another password!' } })));
    expect(other.status).toBe(409);
    const [orgs] = await db.rows<{ n: number }>(sql`select count(*)::int as n from organization where name = 'Sparkle Cleaning'`);
    expect(orgs?.n).toBe(1);
  });

  it('binds each link to its own sign-up: a later sign-up with the same address cannot change the password behind a link already sent', async () => {
    const t = buildRoutesTestApp(db, [provisioningRoutes]);
    const mine = signup({ signupId: crypto.randomUUID(), company: { name: 'Real Owner Co' }, owner: { email: 'real@owner.test', name: 'Real', password: 'the real password' } });
    expect((await t.app.request('/api/tenant/signup', jsonPost(mine))).status).toBe(202);
    const myToken = signupToken(t.mailer, 'real@owner.test');
    const squat = signup({ signupId: crypto.randomUUID(), company: { name: 'Squatter Co' }, owner: { email: 'real@owner.test', name: 'Squat', password: 'squatter password' } });
    expect((await t.app.request('/api/tenant/signup', jsonPost(squat))).status).toBe(202);
    expect((await t.app.request('/api/tenant/signup/verify', jsonPost({ token: myToken }))).status).toBe(201);
    const [cred] = await db.rows<{ password: string }>(sql`select a.password from account a join "user" u on u.id = a.user_id where u.email = 'real@owner.test'`);
    expect(await verifyPassword({ hash: cred!.password, password: 'the real password' })).toBe(true);
    expect(await db.rows(sql`select id from organization where name = 'Squatter Co'`)).toEqual([]);
  });

  it('refuses an unknown or malformed link in the envelope', async () => {
    const t = buildRoutesTestApp(db, [provisioningRoutes]);
    expect((await t.app.request('/api/tenant/signup/verify', jsonPost({ token: 'x'.repeat(43) }))).status).toBe(400);
    expect((await t.app.request('/api/tenant/signup/verify', jsonPost({}))).status).toBe(422);
    expect((await t.app.request('/api/tenant/signup/verify', jsonPost('{'))).status).toBe(400);
  });

  it('refuses a second sign-up with an email that already has an account', async () => {
    const t = buildRoutesTestApp(db, [provisioningRoutes]);
    const res = await t.app.request('/api/tenant/signup', jsonPost(signup({ signupId: '0e6f3f2b-3d0a-4a8e-8a3e-2f0b8c1d9e77', company: { name: 'Other Co' } })));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('EMAIL_TAKEN');
  });

  it('sends the welcome email and a signed federation handshake through jobs', async () => {
    const received: { headers: IncomingMessage['headers']; body: string; path: string }[] = [];
    let fail = true;
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (d: Buffer) => (data += d.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: data, path: req.url ?? '' });
        res.statusCode = fail ? 503 : 202;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await db.rows(sql`delete from jobs`); // earlier tests' jobs are not this test's business
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation/hook`;
      const t = buildRoutesTestApp(db, [provisioningRoutes], { FEDERATION_URL: url, FEDERATION_HMAC_SECRET: FED_SECRET });
      const res = await signUpConfirmed(t, signup({ signupId: '9a1e4a4e-2c44-4b7a-9b50-0d6a1f2c3b4d', owner: { email: 'fed@co.test', name: 'Fed', password: 'long enough pw' }, company: { name: 'Fed Co' } }));
      const orgId = ((await res.json()) as { tenant: { id: string } }).tenant.id;
      const mailer = capturingMailer();
      const sent = mailer.sent;
      const handlers = provisioningJobHandlers({ db, env: t.env, clock: t.clock, mailer });
      const runner = createJobRunner({ db, clock: t.clock, logger: captureLogger(), handlers, backoff: { baseMs: 1_000, maxMs: 10_000, jitter: 0 } });

      expect(await runner.runDueJobs()).toMatchObject({ succeeded: 1, retried: 1 });
      expect(sent.map((m) => m.to)).toEqual(['fed@co.test']);
      // The owner chose a password at sign-up: the email links to the dashboard, not to a set-password page.
      expect(sent[0]!.text).toContain(`/tenant/${orgId}/client/dashboard`);
      fail = false;
      t.clock.advance(1_000);
      expect(await runner.runDueJobs()).toMatchObject({ succeeded: 1 });
      expect(received).toHaveLength(2);
      const last = received[1]!;
      expect(JSON.parse(last.body)).toMatchObject({ event: 'tenant.provisioned', tenantId: orgId, portalUrl: expect.stringContaining(`/provider/tenants/${orgId}`) });
      const verdict = await verifySignedRequest({
        db,
        secret: FED_SECRET,
        windowSeconds: 300,
        now: t.clock.now(),
        method: 'POST',
        path: last.path,
        body: last.body,
        header: (h) => last.headers[h] as string | undefined,
      });
      expect(verdict.ok).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
