import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { addTestUser, signIn, type SignedIn } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';
import { createStaff } from './staff.ts';

/** Every password re-check spends the sign-in buckets: a stolen session cannot guess the password through them. */
describe('password re-checks are rate limited like sign-in', () => {
  let db: Database;
  let acme: string;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    await createStaff(db, { email: 'support@platform.test', name: 'Support', space: 'provider', password: 'support-password-1' });
    acme = (await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`))[0]?.id ?? '';
  });
  afterAll(async () => {
    await db.close();
  });

  /** An app whose per-account bucket holds 5 attempts a minute (and the per-IP one 1000: only the account limit bites). */
  const app = async (email: string, password?: string) => {
    const t = buildTestApp(db, { env: { RATE_LIMIT_SIGNIN_PER_ACCOUNT_PER_MIN: '5', RATE_LIMIT_SIGNIN_PER_MIN: '1000' } });
    return { t, s: await signIn(t.app, email, password) };
  };
  const post = (t: ReturnType<typeof buildTestApp>, s: SignedIn, path: string, body: unknown) =>
    t.app.request(path, { method: 'POST', headers: { ...s.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const statuses = async (n: number, attempt: () => Response | Promise<Response>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await attempt()).status);
    return out;
  };

  it('POST /api/admin/elevations', async () => {
    const { t, s } = await app('worker@acme.test');
    const got = await statuses(7, () => post(t, s, '/api/admin/elevations', { scopes: ['leads.read'], reason: 'Covering the front desk today', minutes: 5, password: 'wrong-password' }));
    // The sign-in took the first token.
    expect(got).toEqual([403, 403, 403, 403, 429, 429, 429]);
    // The right password is refused too once the bucket is empty, and so is a sign-in to that account.
    const right = await post(t, s, '/api/admin/elevations', { scopes: ['leads.read'], reason: 'Covering the front desk today', minutes: 5, password: 'streamflow-demo' });
    expect(right.status).toBe(429);
    await expect(signIn(t.app, 'worker@acme.test')).rejects.toThrow(/429/);
  });

  it('POST /api/provider/impersonations', async () => {
    const { t, s } = await app('support@platform.test', 'support-password-1');
    const got = await statuses(6, () =>
      post(t, s, '/api/provider/impersonations', { tenantId: acme, userEmail: 'owner@acme.test', reason: 'Ticket 42: owner cannot see invoices', minutes: 10, password: 'wrong-password' }),
    );
    expect(got).toEqual([403, 403, 403, 403, 429, 429]);
  });

  it('POST /api/auth/change-password', async () => {
    const { t, s } = await app('manager@acme.test');
    const got = await statuses(6, () => post(t, s, '/api/auth/change-password', { currentPassword: 'wrong-password', newPassword: 'a-new-password-1' }));
    expect(got.slice(0, 4).every((x) => x === 400 || x === 401)).toBe(true);
    expect(got.slice(4)).toEqual([429, 429]);
  });

  it('an elevation with the right password still works within the limit', async () => {
    await addTestUser(db, { email: 'staff@acme.test', tenant: 'acme', role: 'staff' });
    const { t, s } = await app('staff@acme.test');
    const ok = await post(t, s, '/api/admin/elevations', { scopes: ['leads.read'], reason: 'Covering the front desk today', minutes: 5, password: 'streamflow-demo' });
    expect(ok.status).toBe(201);
  });
});
