import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './context.ts';
import type { Database } from './db/types.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { seedDemo } from './seed/demo.ts';
import { buildTestApp } from './testing/app.ts';
import { addTestUser, signIn, type SignedIn } from './testing/auth.ts';
import { createTestPglite } from './testing/db.ts';

const ZERO = '00000000-0000-4000-8000-000000000000';

/** The routes of issue #20 item 10 that answered 500 for a malformed body; who may call each. */
const ROUTES: { method: string; path: string; as: 'owner' | 'provider' }[] = [
  { method: 'POST', path: `/api/admin/roles/${ZERO}/clone`, as: 'owner' },
  { method: 'PATCH', path: `/api/admin/roles/${ZERO}`, as: 'owner' },
  { method: 'PUT', path: `/api/admin/members/${ZERO}/roles`, as: 'owner' },
  { method: 'POST', path: '/api/admin/elevations', as: 'owner' },
  { method: 'PUT', path: '/api/onboarding/wizard', as: 'owner' },
  { method: 'PUT', path: '/api/onboarding/business-hours', as: 'owner' },
  { method: 'PUT', path: '/api/onboarding/modules', as: 'owner' },
  { method: 'POST', path: '/api/onboarding/invites', as: 'owner' },
  { method: 'POST', path: '/api/billing/checkout', as: 'owner' },
  { method: 'POST', path: '/api/provider/impersonations', as: 'provider' },
  { method: 'POST', path: '/api/tenant/signup', as: 'owner' },
];

describe('one JSON body parser: malformed bodies answer 4xx in the envelope', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  const who: Record<string, SignedIn> = {};
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    await addTestUser(db, { email: 'body-provider@platform.test', space: 'provider' });
    t = buildTestApp(db);
    who.owner = await signIn(t.app, 'owner@acme.test');
    who.provider = await signIn(t.app, 'body-provider@platform.test');
  });
  afterAll(async () => {
    await t.shapes.close();
    await db.close();
  });

  const send = async (r: (typeof ROUTES)[number], body: string, contentType = 'application/json') => {
    const res = await t.app.request(r.path, { method: r.method, headers: { ...who[r.as]?.headers, 'content-type': contentType }, body });
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; details: Record<string, unknown> } } };
  };

  it.each(ROUTES)('$method $path: 400 INVALID_JSON, 415, 413, 422 with issues', async (r) => {
    expect(await send(r, '{"broken')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON', message: 'The body is not valid JSON.' } } });
    expect(await send(r, '')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    expect(await send(r, '{"a":1}', 'text/plain')).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    expect(await send(r, JSON.stringify({ pad: 'x'.repeat(70_000) }))).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(await send(r, `${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    expect(await send(r, '{"__proto__":{"admin":true}}')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    expect(await send(r, '{"name":"a\\u0000b"}')).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION_FAILED', details: { issues: [{ path: ['name'] }] } } } });
    const wrong = await send(r, '{"key":1,"name":[],"roleIds":"x","scopes":{},"minutes":"5","kind":7}');
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toMatch(/^[A-Z_]+$/);
  });

  it('accepts JSON content types in any case and with parameters, and +json types', async () => {
    const r = ROUTES.find((x) => x.path === '/api/onboarding/wizard')!;
    for (const type of ['APPLICATION/JSON', 'application/json; charset=utf-8', 'application/merge-patch+json']) {
      expect((await send(r, '{"step":"business_hours"}', type)).status).toBe(200);
    }
  });

  it('maps a stray JSON SyntaxError anywhere to 400 INVALID_JSON, never a 500', async () => {
    // A route outside the parser, as a future one might be written.
    const app = new Hono<AppEnv>();
    app.onError(errorHandler(t.logger));
    app.post('/x', async (c) => c.json(await c.req.json()));
    const res = await app.request('/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'INVALID_JSON', message: 'The body is not valid JSON.', details: {} } });
  });
});
