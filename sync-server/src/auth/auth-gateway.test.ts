import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, TEST_ORIGIN, type SignedIn } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';
import { allowedAuthEndpoint, AUTH_ENDPOINTS } from './auth-gateway.ts';

type Envelope = { error: { code: string; message: string; details: Record<string, unknown> } };

/** better-auth behind the app's gateway: only what the app uses answers, in the envelope, with validated input. */
describe('/api/auth gateway', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let worker: SignedIn;
  let owner: SignedIn;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
    worker = await signIn(t.app, 'worker@acme.test');
    owner = await signIn(t.app, 'owner@acme.test');
  });
  afterAll(async () => {
    await db.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, ...headers }, body: JSON.stringify(body) });

  it('answers only the allow-listed better-auth endpoints; every other one is 404 in the envelope', async () => {
    const endpoints = Object.values(t.auth.api as Record<string, { path?: string; options?: { method?: string | string[] } }>).flatMap((e) =>
      e.path ? [e.path].flatMap((p) => [e.options?.method ?? 'GET'].flat().map((m) => ({ method: m === '*' ? 'GET' : m, path: p }))) : [],
    );
    expect(endpoints.length).toBeGreaterThan(40);
    // A session of its own: the walk signs it out.
    const s = await signIn(t.app, 'manager@acme.test');
    const answered: string[] = [];
    for (const { method, path } of endpoints) {
      const url = `/api/auth${path.replace(/:[a-zA-Z]+/g, 'x')}`;
      const res = await t.app.request(url, {
        method,
        headers: { ...s.headers, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
        ...(method === 'GET' ? {} : { body: '{}' }),
      });
      const allowed = allowedAuthEndpoint(method, url) !== null;
      if (!allowed) {
        expect({ endpoint: `${method} ${path}`, status: res.status }).toEqual({ endpoint: `${method} ${path}`, status: 404 });
        expect(((await res.json()) as Envelope).error.code).toBe('NOT_FOUND');
      } else {
        answered.push(`${method} ${path}`);
      }
    }
    // Every allow-listed endpoint exists in better-auth (a rename upstream fails here).
    expect(answered.sort()).toEqual([...AUTH_ENDPOINTS].sort());
  });

  it("keeps a worker from reading the team's emails and roles through the organization plugin", async () => {
    for (const path of ['/api/auth/organization/get-full-organization', '/api/auth/organization/list-members', '/api/auth/organization/list-invitations']) {
      const res = await t.app.request(path, { headers: worker.headers });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    const invite = await post('/api/auth/organization/invite-member', { email: 'x@y.test', role: 'owner' }, owner.headers);
    expect(invite.status).toBe(404);
    const del = await post('/api/auth/organization/delete', { organizationId: 'any' }, owner.headers);
    expect(del.status).toBe(404);
    // The tenant switcher still works: the user's tenants, as id, name, slug and logo only.
    const list = await t.app.request('/api/auth/organization/list', { headers: worker.headers });
    expect(list.status).toBe(200);
    const orgs = (await list.json()) as Record<string, unknown>[];
    expect(orgs.map((o) => Object.keys(o).sort())).toEqual([['createdAt', 'id', 'logo', 'name', 'slug']]);
  });

  it('answers better-auth errors in the envelope', async () => {
    const bad = await post('/api/auth/sign-in/email', { email: 'owner@acme.test', password: 'wrong-password' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: { code: 'INVALID_EMAIL_OR_PASSWORD', message: expect.any(String) as string, details: {} } });
    const noBody = await post('/api/auth/sign-in/email', { email: 'not an email' });
    expect(noBody.status).toBe(400);
    expect(((await noBody.json()) as Envelope).error).toMatchObject({ code: expect.any(String) as string, details: {} });
    const notJson = await t.app.request('/api/auth/update-user', { method: 'POST', headers: { ...owner.headers, 'content-type': 'application/json' }, body: '{"name":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as Envelope).error.code).toBe('INVALID_JSON');
  });

  it('refuses a body that is not JSON with 415, so the limiter and the audit always see the account', async () => {
    const form = await t.app.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ORIGIN },
      body: 'email=owner%40acme.test&password=wrong-password',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as Envelope).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const untyped = await t.app.request('/api/auth/sign-in/email', { method: 'POST', headers: { origin: TEST_ORIGIN }, body: 'email=owner%40acme.test' });
    expect(untyped.status).toBe(415);
  });

  it('limits wrong passwords per account and attributes them whatever the case of the content type', async () => {
    const a = buildTestApp(db, { env: { RATE_LIMIT_SIGNIN_PER_ACCOUNT_PER_MIN: '5', TRUST_PROXY_HEADER: 'x-forwarded-for' } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await a.app.request('/api/auth/sign-in/email', {
        method: 'POST',
        // Each attempt from another address: only the per-account bucket can stop them.
        headers: { 'content-type': i % 2 ? 'APPLICATION/JSON' : 'Application/Json; charset=UTF-8', origin: TEST_ORIGIN, 'x-forwarded-for': `198.51.100.${i + 1}` },
        body: JSON.stringify({ email: 'manager@acme.test', password: 'wrong-password' }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
    const audited = await db.rows(sql`select details->>'email' as email, org_id from audit_log where action = 'auth.sign_in' and outcome = 'failed' and details->>'email' = 'manager@acme.test'`);
    expect(audited).toEqual(Array.from({ length: 5 }, () => ({ email: 'manager@acme.test', org_id: acme?.id })));
  });

  describe('profile updates', () => {
    const update = (body: unknown, s: SignedIn = worker) => post('/api/auth/update-user', body, s.headers);
    const nameOf = async () => (await db.rows<{ name: string; image: string | null }>(sql`select name, image from "user" where email = 'worker@acme.test'`))[0];

    it('refuses names that are huge, multi-line, null or not text, and pictures that are not https or inline images', async () => {
      const before = await nameOf();
      for (const body of [
        { name: 'x'.repeat(900_000) },
        { name: 'x'.repeat(101) },
        { name: 'Sam\nVisit https://evil.test to keep your account' },
        { name: 'Sam\u202Eevil' },
        { name: null },
        { name: 42 },
        { name: '   ' },
        { image: 'javascript:alert(1)' },
        { image: 'http://plain.test/me.png' },
        { image: 'data:text/html;base64,PHNjcmlwdD4=' },
        { emailVerified: true },
      ]) {
        const res = await update(body);
        const got = { body: JSON.stringify(body).slice(0, 60), status: res.status };
        expect(got).toEqual({ ...got, status: 422 });
        expect(((await res.json()) as Envelope).error.code).toBe('VALIDATION_FAILED');
      }
      expect(await nameOf()).toEqual(before);
    });

    it('takes a sensible name and picture', async () => {
      const res = await update({ name: '  Sam Worker  ', image: 'https://cdn.example.test/sam.png' });
      expect(res.status).toBe(200);
      expect(await nameOf()).toEqual({ name: 'Sam Worker', image: 'https://cdn.example.test/sam.png' });
      expect((await update({ image: null })).status).toBe(200);
      expect((await nameOf())?.image).toBeNull();
    });

    it('keeps user-chosen text out of the password-reset email', async () => {
      // A name written straight into the database (an older row) still never reaches the email.
      await db.rows(sql`update "user" set name = 'Sam https://evil.test' where email = 'worker@acme.test'`);
      const res = await post('/api/auth/request-password-reset', { email: 'worker@acme.test', redirectTo: '/reset-password' });
      expect(res.status).toBe(200);
      const mail = t.mailer.sent.find((m) => m.to === 'worker@acme.test');
      expect(mail?.text).toBeDefined();
      expect(mail?.text).not.toContain('evil.test');
      expect(mail).not.toHaveProperty('html');
    });
  });

  it('lists sessions without their tokens, and a stored token alone is no bearer token', async () => {
    const res = await t.app.request('/api/auth/list-sessions', { headers: owner.headers });
    expect(res.status).toBe(200);
    const sessions = (await res.json()) as Record<string, unknown>[];
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(s).not.toHaveProperty('token');
    const signedIn = await post('/api/auth/sign-in/email', { email: 'owner@acme.test', password: 'streamflow-demo' });
    expect(await signedIn.json()).not.toHaveProperty('token');
    // What the database holds (session.token) does not authenticate without the server's secret.
    const [stored] = await db.rows<{ token: string }>(sql`select s.token from session s join "user" u on u.id = s.user_id where u.email = 'owner@acme.test' limit 1`);
    const me = await t.app.request('/api/me', { headers: { authorization: `Bearer ${stored?.token ?? ''}` } });
    expect(me.status).toBe(401);
    // The signed token handed out at sign-in does.
    expect((await t.app.request('/api/me', { headers: { authorization: `Bearer ${owner.token}` } })).status).toBe(200);
  });
});
