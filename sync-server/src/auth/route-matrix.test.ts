import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { addTestUser, signIn, TEST_ORIGIN, type SignedIn } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';
import { isGuard } from './guards.ts';

/*
 * Walks the real route table: every API route must declare a guard, and
 * must appear in the matrix below with the status each kind of caller gets.
 * A new route without a guard, or without a row here, fails this test.
 */
type Caller = 'anon' | 'owner' | 'manager' | 'staff' | 'worker' | 'provider' | 'dev' | 'accounting' | 'otherOwner';
const CALLERS: Caller[] = ['anon', 'owner', 'manager', 'staff', 'worker', 'provider', 'dev', 'accounting', 'otherOwner'];

/** Expected status per caller; `ok` is the route's success status for a well-formed request. */
const client = (ok: number, denied: Caller[] = []): Record<Caller, number> => ({
  anon: 401,
  owner: ok,
  manager: denied.includes('manager') ? 403 : ok,
  staff: denied.includes('staff') ? 403 : ok,
  worker: denied.includes('worker') ? 403 : ok,
  provider: 403,
  dev: 403,
  accounting: 403,
  otherOwner: ok,
});
const PUBLIC = (ok: number): Record<Caller, number> => Object.fromEntries(CALLERS.map((c) => [c, ok])) as Record<Caller, number>;

const ZERO = '00000000-0000-4000-8000-000000000000';
const MATRIX: Record<string, { path?: string; body?: unknown; expect: Record<Caller, number> }> = {
  'GET /healthz': { expect: PUBLIC(200) },
  'GET /readyz': { expect: PUBLIC(200) },
  'GET /metrics': { expect: PUBLIC(200) },
  'GET /api/me': { expect: { ...PUBLIC(200), anon: 401 } },
  'PUT /api/me/preferences': { body: {}, expect: { ...PUBLIC(422), anon: 401 } },
  'POST /api/write': { body: { mutations: [{ id: ZERO, table: 'leads', op: 'delete', pk: { id: ZERO } }] }, expect: client(200) },
  // Workers lack leads.read in the default roles: the named shape answers 403.
  'GET /v1/shape': { path: '/v1/shape?table=leads&offset=-1', expect: client(200, ['worker']) },
  'GET /api/sync/wake': { expect: client(200) },
  // Billing is not configured in this test app: past the guards, a route answers 503 BILLING_NOT_CONFIGURED.
  'POST /api/billing/checkout': { body: { kind: 'subscription', plan: 'pro' }, expect: client(503, ['manager', 'staff', 'worker']) },
  'POST /api/billing/portal': { body: {}, expect: client(503, ['manager', 'staff', 'worker']) },
  'GET /api/billing/entitlements': { expect: client(200) },
  'GET /api/provider/tenants': { expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, provider: 200 } },
  'POST /api/client-billing/connect/start': { body: {}, expect: client(503, ['manager', 'staff', 'worker']) },
  'GET /api/client-billing/connect/status': { expect: client(503, ['manager', 'staff', 'worker']) },
  'POST /api/client-billing/checkout': { body: { invoiceId: ZERO, amount: '10.00' }, expect: client(503, ['manager', 'staff', 'worker']) },
  // Stripe calls these: no session, a signature instead (unset secrets: 503).
  'POST /api/stripe/webhook/provider': { body: {}, expect: PUBLIC(503) },
  'POST /api/stripe/webhook/connect': { body: {}, expect: PUBLIC(503) },
  'GET /api/admin/roles': { expect: client(200, ['manager', 'staff', 'worker']) },
  'POST /api/admin/roles/:id/clone': { path: `/api/admin/roles/${ZERO}/clone`, body: { key: 'x_role', name: 'X' }, expect: client(404, ['manager', 'staff', 'worker']) },
  'PATCH /api/admin/roles/:id': { path: `/api/admin/roles/${ZERO}`, body: { name: 'X' }, expect: client(404, ['manager', 'staff', 'worker']) },
  'DELETE /api/admin/roles/:id': { path: `/api/admin/roles/${ZERO}`, expect: client(404, ['manager', 'staff', 'worker']) },
  'GET /api/admin/roles/:id/versions': { path: `/api/admin/roles/${ZERO}/versions`, expect: client(404, ['manager', 'staff', 'worker']) },
  'GET /api/admin/members': { expect: client(200, ['staff', 'worker']) },
  'PUT /api/admin/members/:id/roles': { path: '/api/admin/members/nobody/roles', body: { roleIds: [ZERO] }, expect: client(404, ['manager', 'staff', 'worker']) },
  'POST /api/admin/elevations': { body: { scopes: ['leads.read'], reason: 'matrix test reason', minutes: 5, password: 'wrong' }, expect: client(403) },
  'GET /api/admin/elevations': { expect: client(200) },
  'DELETE /api/admin/elevations/:id': { path: `/api/admin/elevations/${ZERO}`, expect: client(404) },
  'GET /api/admin/elevation-requests': { expect: client(200) },
  'POST /api/admin/elevation-requests/:id/approve': { path: `/api/admin/elevation-requests/${ZERO}/approve`, body: {}, expect: client(404, ['manager', 'staff', 'worker']) },
  'POST /api/admin/elevation-requests/:id/deny': { path: `/api/admin/elevation-requests/${ZERO}/deny`, body: {}, expect: client(404, ['manager', 'staff', 'worker']) },
  'DELETE /api/admin/elevation-requests/:id': { path: `/api/admin/elevation-requests/${ZERO}`, expect: client(404) },
  'POST /api/provider/impersonations': {
    body: { tenantId: 'none', userEmail: 'x@y.test', reason: 'matrix test reason', minutes: 5, password: 'wrong' },
    expect: { anon: 401, owner: 403, manager: 403, staff: 403, worker: 403, provider: 403, dev: 403, accounting: 403, otherOwner: 403 },
  },
  'DELETE /api/impersonation': { expect: { ...PUBLIC(404), anon: 401 } },
  'GET /api/dev/jobs': { expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, dev: 200 } },
  'GET /api/dev/jobs/metrics': { expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, dev: 200 } },
  'POST /api/dev/jobs/:id/retry': { path: `/api/dev/jobs/${ZERO}/retry`, expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, dev: 404 } },
  'GET /api/tenant/industries': { expect: PUBLIC(200) },
  // Provider staff or a signed request; the body here is incomplete, so provider staff get 422.
  'POST /api/tenant/register': { body: {}, expect: { ...PUBLIC(403), anon: 401, provider: 422 } },
  'POST /api/tenant/signup': { body: {}, expect: PUBLIC(422) },
  'POST /api/tenant/signup/verify': { body: {}, expect: PUBLIC(422) },
  'GET /api/onboarding': { expect: client(200) },
  'GET /api/onboarding/logo': { expect: client(404) },
  'PUT /api/onboarding/wizard': { body: {}, expect: client(200, ['manager', 'staff', 'worker']) },
  'PUT /api/onboarding/business-hours': { body: {}, expect: client(422, ['manager', 'staff', 'worker']) },
  'PUT /api/onboarding/brand': { body: {}, expect: client(422, ['manager', 'staff', 'worker']) },
  'PUT /api/onboarding/modules': { body: {}, expect: client(422, ['manager', 'staff', 'worker']) },
  'POST /api/onboarding/invites': { body: {}, expect: client(422, ['staff', 'worker']) },
  'PUT /api/onboarding/logo': { body: {}, expect: client(415, ['manager', 'staff', 'worker']) },
  'GET /api/admin/audit': { expect: { ...client(200, ['staff', 'worker']), provider: 200, dev: 200 } },
  'GET /api/team': { expect: client(200) },
  'GET /api/me/sessions': { expect: { ...PUBLIC(200), anon: 401 } },
  'DELETE /api/me/sessions': { expect: { ...PUBLIC(200), anon: 401 } },
  'DELETE /api/me/sessions/:sessionId': { path: `/api/me/sessions/${ZERO}`, expect: { ...PUBLIC(404), anon: 401 } },
  'GET /api/admin/members/:id/sessions': { path: '/api/admin/members/nobody/sessions', expect: client(404, ['staff', 'worker']) },
  'DELETE /api/admin/members/:id/sessions': { path: '/api/admin/members/nobody/sessions', expect: client(404, ['staff', 'worker']) },
  'DELETE /api/admin/members/:id/sessions/:sessionId': { path: `/api/admin/members/nobody/sessions/${ZERO}`, expect: client(404, ['staff', 'worker']) },
  'GET /api/accounting/tenants': { expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, accounting: 200 } },
  'GET /api/accounting/invoices': { expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, accounting: 200 } },
  'GET /api/accounting/payments': { expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, accounting: 200 } },
  'GET /api/dev/diagnostics': { expect: { ...client(403, ['manager', 'staff', 'worker']), owner: 403, otherOwner: 403, dev: 200 } },
};

describe('route table × callers', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  const sessions = new Map<Caller, SignedIn>();

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
    const staff: [Caller, string][] = [['provider', 'provider@platform.test'], ['dev', 'dev@platform.test'], ['accounting', 'accounting@platform.test']];
    for (const [space, email] of staff) {
      if (space === 'provider' || space === 'dev' || space === 'accounting') await addTestUser(db, { email, space, tenants: space === 'accounting' ? ['acme'] : [] });
    }
    await addTestUser(db, { email: 'staff@acme.test', tenant: 'acme', role: 'staff' });
    const emails: [Caller, string][] = [['owner', 'owner@acme.test'], ['manager', 'manager@acme.test'], ['staff', 'staff@acme.test'], ['worker', 'worker@acme.test'], ['otherOwner', 'owner@globex.test'], ...staff];
    for (const [caller, email] of emails) sessions.set(caller, await signIn(t.app, email));
  });
  afterAll(async () => {
    await db.close();
  });

  const apiRoutes = () => {
    const routes = (t.app as unknown as { routes: { method: string; path: string; handler: unknown }[] }).routes;
    const endpoints = new Map<string, unknown[]>();
    for (const r of routes) {
      if (r.method === 'ALL' || r.path.includes('*')) continue;
      const k = `${r.method} ${r.path}`;
      endpoints.set(k, [...(endpoints.get(k) ?? []), r.handler]);
    }
    return endpoints;
  };

  it('has a guard on every route and a matrix row for each', () => {
    const endpoints = apiRoutes();
    for (const [k, handlers] of endpoints) {
      expect({ route: k, guarded: handlers.some(isGuard) }).toEqual({ route: k, guarded: true });
    }
    expect([...endpoints.keys()].sort()).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [route, spec] of Object.entries(MATRIX)) {
    it(`${route} answers each caller as declared`, async () => {
      const [method, path] = route.split(' ') as [string, string];
      const got: Record<string, number> = {};
      for (const caller of CALLERS) {
        const s = sessions.get(caller);
        const res = await t.app.request(spec.path ?? path, {
          method,
          headers: { ...(s?.headers ?? { origin: TEST_ORIGIN }), 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        });
        got[caller] = res.status;
      }
      expect(got).toEqual(spec.expect);
    });
  }
});
