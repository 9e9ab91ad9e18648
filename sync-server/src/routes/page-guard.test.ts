import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';

describe('page guard: a page load that reaches the server', () => {
  let db: Database;
  let dist: string;
  let t: ReturnType<typeof buildTestApp>;
  let owner: SignedIn;
  let provider: SignedIn;
  let acme = '';
  let globex = '';
  const page = (who: SignedIn | null, path: string) =>
    t.app.request(path, { headers: { accept: 'text/html,application/xhtml+xml', ...(who ? { cookie: who.cookie } : {}) }, redirect: 'manual' });
  const denials = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'page.get' and outcome = 'denied'`))[0]?.n ?? 0;

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    dist = mkdtempSync(join(tmpdir(), 'streamflow-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>StreamFlow</title>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    t = buildTestApp(db, { appDistDir: dist });
    [owner, provider] = await Promise.all([signIn(t.app, 'owner@acme.test'), signIn(t.app, 'provider@streamflow.test')]);
    acme = (await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`))[0]?.id ?? '';
    globex = (await db.rows<{ id: string }>(sql`select id from organization where slug = 'globex'`))[0]?.id ?? '';
  });
  afterAll(async () => {
    await db.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves a signed-in user their own pages', async () => {
    const res = await page(owner, `/tenant/${acme}/client/leads`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>StreamFlow</title>');
    expect((await page(provider, '/provider/audit')).status).toBe(200);
  });

  it('redirects another space\'s or tenant\'s page home and audits the denial', async () => {
    const before = await denials();
    for (const path of ['/provider/dashboard', `/tenant/${globex}/client/leads`, `/tenant/${acme}/dev/dashboard`]) {
      const res = await page(owner, path);
      expect({ path, status: res.status, to: res.headers.get('location') }).toEqual({ path, status: 302, to: `/tenant/${acme}/client/dashboard` });
    }
    const staff = await page(provider, `/tenant/${acme}/client/leads`);
    expect([staff.status, staff.headers.get('location')]).toEqual([302, '/provider/dashboard']);
    expect(await denials()).toBe(before + 4);
  });

  it('moves old flat URLs and / into the space without calling it a denial', async () => {
    const before = await denials();
    expect((await page(owner, '/leads')).headers.get('location')).toBe(`/tenant/${acme}/client/leads`);
    expect((await page(owner, '/')).headers.get('location')).toBe(`/tenant/${acme}/client/dashboard`);
    expect((await page(provider, '/')).headers.get('location')).toBe('/provider/dashboard');
    expect(await denials()).toBe(before);
  });

  it('serves the sign-in page without a session, and never guards assets or APIs', async () => {
    expect((await page(null, '/provider/dashboard')).status).toBe(200);
    const asset = await t.app.request('/assets/app.js', { headers: { cookie: owner.cookie } });
    expect(asset.status).toBe(200);
    const api = await t.app.request('/api/provider/tenants', { headers: { accept: 'text/html', cookie: owner.cookie, origin: owner.headers.origin ?? '' } });
    expect(api.status).toBe(403);
  });
});
