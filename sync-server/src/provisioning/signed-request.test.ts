import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { createTestPglite } from '../testing/db.ts';
import { provisioningRoutes } from './routes.ts';
import { pruneNonces, signRequest } from './signed-request.ts';
import { buildRoutesTestApp, jsonPost, testPrincipal } from './test-support.ts';

const SECRET = 'provisioning-test-secret-0123456789abcdef';
const PATH = '/api/tenant/register';
let n = 0;
const body = (id: string) =>
  JSON.stringify({ plan: 'starter', industry: 'healthcare', externalCustomerId: id, company: { name: `Clinic ${id}` }, owner: { email: `${id}@clinic.test`, name: 'Dr Who' } });
const nonce = () => `nonce-${Date.now()}-${n++}-abcdefgh`;

describe('signed and staff register calls', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  const setup = (env: Record<string, string> = { PROVISIONING_HMAC_SECRET: SECRET }) => {
    const t = buildRoutesTestApp(db, [provisioningRoutes], env);
    const signed = (raw: string, over: { ts?: number; nonce?: string; secret?: string; path?: string } = {}) =>
      jsonPost(raw, signRequest({ secret: over.secret ?? SECRET, method: 'POST', path: over.path ?? PATH, body: raw, ts: over.ts ?? t.clock.now().getTime() / 1000, nonce: over.nonce ?? nonce() }));
    return { ...t, signed };
  };
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('accepts a valid signed request without a session, also from a clock up to a minute ahead', async () => {
    const t = setup();
    const res = await t.app.request(PATH, t.signed(body('sig-ok')));
    expect(res.status).toBe(201);
    const ahead = await t.app.request(PATH, t.signed(body('sig-ok-ahead'), { ts: t.clock.now().getTime() / 1000 + 50 }));
    expect(ahead.status).toBe(201);
  });

  it('refuses a bad signature, a tampered body, another path and a stale timestamp', async () => {
    const t = setup();
    expect(await code(await t.app.request(PATH, t.signed(body('sig-bad'), { secret: 'x'.repeat(40) })))).toBe('SIGNATURE_INVALID');
    const init = t.signed(body('sig-tamper'));
    const tampered = await t.app.request(PATH, { ...init, body: body('sig-tamper-2') });
    expect(tampered.status).toBe(401);
    expect(await code(tampered)).toBe('SIGNATURE_INVALID');
    expect(await code(await t.app.request(PATH, t.signed(body('sig-path'), { path: '/api/other' })))).toBe('SIGNATURE_INVALID');
    const stale = await t.app.request(PATH, t.signed(body('sig-stale'), { ts: t.clock.now().getTime() / 1000 - 301 }));
    expect(stale.status).toBe(401);
    expect(await code(stale)).toBe('SIGNATURE_STALE');
    expect(await code(await t.app.request(PATH, t.signed(body('sig-future'), { ts: t.clock.now().getTime() / 1000 + 301 })))).toBe('SIGNATURE_STALE');
    // The past may be the whole window; the future only a minute of clock skew.
    expect(await code(await t.app.request(PATH, t.signed(body('sig-ahead'), { ts: t.clock.now().getTime() / 1000 + 61 })))).toBe('SIGNATURE_STALE');
    const [row] = await db.rows<{ n: number }>(sql`select count(*)::int as n from organization where external_customer_id like 'sig-%' and external_customer_id not like 'sig-ok%'`);
    expect(row?.n).toBe(0);
  });

  it('refuses a replayed nonce, even with a fresh signature over another body', async () => {
    const t = setup();
    const once = nonce();
    const init = t.signed(body('sig-replay'), { nonce: once });
    expect((await t.app.request(PATH, init)).status).toBe(201);
    const replay = await t.app.request(PATH, init);
    expect(replay.status).toBe(401);
    expect(await code(replay)).toBe('NONCE_REUSED');
    expect(await code(await t.app.request(PATH, t.signed(body('sig-replay-2'), { nonce: once })))).toBe('NONCE_REUSED');
    const [denied] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'provisioning.register' and outcome = 'denied' and details->>'code' = 'NONCE_REUSED'`);
    expect(denied?.n).toBe(2);
    // Nonces are pruned only once no timestamp could pass the window any more.
    expect(await pruneNonces(db, t.clock.now())).toBe(0);
    expect(await pruneNonces(db, new Date(t.clock.now().getTime() + 601_000))).toBeGreaterThan(0);
  });

  it('refuses signed requests when no secret is configured', async () => {
    const t = setup({});
    const res = await t.app.request(PATH, t.signed(body('sig-nosecret')));
    expect(res.status).toBe(401);
    expect(await code(res)).toBe('SIGNED_REQUESTS_DISABLED');
  });

  it('allows provider staff, refuses a tenant owner (403) and an anonymous caller (401)', async () => {
    const t = setup();
    t.as(testPrincipal({ space: 'provider' }));
    expect((await t.app.request(PATH, jsonPost(body('staff-ok')))).status).toBe(201);
    t.as(testPrincipal({ space: 'client', orgId: 'org-x', roles: ['owner'] }));
    const owner = await t.app.request(PATH, jsonPost(body('owner-no')));
    expect(owner.status).toBe(403);
    expect(await code(owner)).toBe('FORBIDDEN');
    t.as(testPrincipal({ space: 'dev' }));
    expect((await t.app.request(PATH, jsonPost(body('dev-no')))).status).toBe(403);
    t.as(undefined);
    expect((await t.app.request(PATH, jsonPost(body('anon-no')))).status).toBe(401);
    const [row] = await db.rows<{ n: number }>(sql`select count(*)::int as n from organization where external_customer_id in ('owner-no', 'dev-no', 'anon-no')`);
    expect(row?.n).toBe(0);
  });
});
