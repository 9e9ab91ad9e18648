import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { TEST_ORIGIN } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';

/** Token buckets on sign-in, in memory and in the database. */
export function rateLimitSuite(engine: TestEngine, store: 'memory' | 'postgres') {
  describe(`rate limits (${store} store on ${engine.kind})`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
    });
    afterAll(async () => {
      await db.close();
    });

    it('answers the N+1th sign-in attempt in the window with 429 and Retry-After, and refills with time', async () => {
      const t = buildTestApp(db, { env: { RATE_LIMIT_SIGNIN_PER_MIN: '3', RATE_LIMIT_STORE: store } });
      const attempt = () =>
        t.app.request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
          body: JSON.stringify({ email: 'owner@acme.test', password: 'wrong-password' }),
        });
      for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('20');
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      t.clock.advance(20_000);
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(429);
    });

    it('takes no tokens away when the clock steps backwards', async () => {
      const t = buildTestApp(db, { env: { RATE_LIMIT_SIGNIN_PER_MIN: '3', RATE_LIMIT_STORE: store, TRUST_PROXY_HEADER: 'x-forwarded-for' } });
      const attempt = () =>
        t.app.request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, 'x-forwarded-for': '192.0.2.44' },
          body: JSON.stringify({ email: 'owner@acme.test', password: 'wrong-password' }),
        });
      expect((await attempt()).status).toBe(401);
      // NTP pulls the clock back ten minutes: the two tokens left stay there.
      t.clock.advance(-10 * 60_000);
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(429);
    });

    it.runIf(store === 'postgres')('shares the buckets between instances, also under concurrent takes', async () => {
      const env = { RATE_LIMIT_SIGNIN_PER_MIN: '4', RATE_LIMIT_STORE: store, TRUST_PROXY_HEADER: 'x-forwarded-for' };
      const [one, two] = [buildTestApp(db, { env }), buildTestApp(db, { env })];
      const attempt = (t: ReturnType<typeof buildTestApp>) =>
        t.app.request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, 'x-forwarded-for': '192.0.2.77' },
          body: JSON.stringify({ email: 'worker@acme.test', password: 'wrong-password' }),
        });
      const statuses = (await Promise.all([one, two, one, two, one, two].map(attempt))).map((r) => r.status).sort();
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    });

    it('limits attempts on one account from many IPs, and leaves other accounts alone', async () => {
      const t = buildTestApp(db, { env: { RATE_LIMIT_SIGNIN_PER_ACCOUNT_PER_MIN: '2', TRUST_PROXY_HEADER: 'x-forwarded-for', RATE_LIMIT_STORE: store } });
      let n = 0;
      const attempt = (email: string) =>
        t.app.request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, 'x-forwarded-for': `203.0.113.${++n}` },
          body: JSON.stringify({ email, password: 'wrong-password' }),
        });
      expect((await attempt('Manager@Acme.test')).status).toBe(401);
      expect((await attempt('manager@acme.test')).status).toBe(401);
      const limited = await attempt('manager@acme.test');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await attempt('worker@acme.test')).status).toBe(401);
      const reset = await t.app.request('/api/auth/request-password-reset', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, 'x-forwarded-for': '198.51.100.7' },
        body: JSON.stringify({ email: 'manager@acme.test', redirectTo: '/reset-password' }),
      });
      expect(reset.status).toBe(429);
    });
  });
}
