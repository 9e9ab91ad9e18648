import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, TEST_ORIGIN } from '../testing/auth.ts';
import { DEMO_PASSWORD } from '../seed/demo.ts';
import { createTestPglite } from '../testing/db.ts';

describe('security headers and origin checks', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it('sends CSP, no-sniff and frame-deny; HSTS only in production', async () => {
    const res = await buildTestApp(db).app.request('/healthz');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('sets session cookies httpOnly and SameSite=Lax, Secure with HSTS in production only', async () => {
    const cookieOf = async (env: Record<string, string>) => {
      const t = buildTestApp(db, { env });
      const res = await t.app.request('/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
        body: JSON.stringify({ email: 'worker@acme.test', password: DEMO_PASSWORD }),
      });
      expect(res.status).toBe(200);
      const session = res.headers.getSetCookie().find((c) => c.includes('session_token='));
      return { session: session ?? '', hsts: res.headers.get('strict-transport-security') };
    };
    const dev = await cookieOf({});
    expect(dev.session).toMatch(/HttpOnly/i);
    expect(dev.session).toMatch(/SameSite=Lax/i);
    expect(dev.session).not.toMatch(/;\s*Secure/i);
    expect(dev.hsts).toBeNull();
    const prod = await cookieOf({
      NODE_ENV: 'production',
      BETTER_AUTH_SECRET: 'a-production-secret-of-at-least-32-chars',
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(prod.session).toMatch(/HttpOnly/i);
    expect(prod.session).toMatch(/SameSite=Lax/i);
    expect(prod.session).toMatch(/;\s*Secure/i);
    expect(prod.hsts).toMatch(/max-age=\d+/);
  });

  it('refuses a cookie-authenticated POST from another origin, and accepts one from the app', async () => {
    const t = buildTestApp(db);
    const owner = await signIn(t.app, 'owner@acme.test');
    const post = (origin: string | undefined) =>
      t.app.request('/api/write', {
        method: 'POST',
        headers: { cookie: owner.cookie, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID(), ...(origin ? { origin } : {}) },
        body: JSON.stringify({ mutations: [{ id: crypto.randomUUID(), table: 'leads', op: 'delete', pk: { id: crypto.randomUUID() } }] }),
      });
    const evil = await post('https://evil.example');
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN_REQUEST');
    expect((await post(undefined)).status).toBe(403);
    expect((await post(owner.headers.origin)).status).toBe(200);
  });
});
