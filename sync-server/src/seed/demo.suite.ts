import { sql } from 'drizzle-orm';
import { verifyPassword } from 'better-auth/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { DEMO_PASSWORD, seedDemo } from './demo.ts';
import { addVolumeLeads } from './volume.ts';

const COUNTED = ['organization', 'user', 'member', 'roles', 'companies', 'contacts', 'leads', 'work_orders', 'time_entries', 'invoices', 'payments'];

async function counts(db: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of COUNTED) {
    const [row] = await db.rows<{ n: number }>(sql.raw(`select count(*)::int as n from "${t}"`));
    out[t] = row?.n ?? -1;
  }
  return out;
}

/** The demo seed, on PGlite and Postgres. */
export function demoSeedSuite(engine: TestEngine) {
  describe(`demo seed on ${engine.kind}`, () => {
    let db: Database;
    const now = new Date('2026-11-22T08:00:00Z');
    beforeAll(async () => {
      db = await engine.open();
    });
    afterAll(async () => {
      await db.close();
    });

    it('is idempotent: a second run creates nothing', async () => {
      const first = await seedDemo(db, now);
      expect(first.created).toEqual(['acme', 'globex']);
      const after1 = await counts(db);
      const second = await seedDemo(db, now);
      expect(second.created).toEqual([]);
      expect(await counts(db)).toEqual(after1);
      expect(after1.organization).toBe(2);
      // Five tenant members (one of them in both tenants) and three platform staff.
      expect(after1.user).toBe(8);
    });

    it('creates the demo sign-ins with the documented password and roles', async () => {
      const rows = await db.rows<{ email: string; password: string; slug: string; role: string }>(sql`
        select u.email, a.password, o.slug, r.key as role
        from "user" u
        join account a on a.user_id = u.id and a.provider_id = 'credential'
        join member m on m.user_id = u.id
        join organization o on o.id = m.organization_id
        join member_roles mr on mr.member_id = m.id
        join roles r on r.id = mr.role_id
        order by u.email`);
      expect(rows.map((r) => [r.email, r.slug, r.role]).sort()).toEqual([
        ['consultant@streamflow.test', 'acme', 'staff'],
        ['consultant@streamflow.test', 'globex', 'staff'],
        ['manager@acme.test', 'acme', 'manager'],
        ['owner@acme.test', 'acme', 'owner'],
        ['owner@globex.test', 'globex', 'owner'],
        ['worker@acme.test', 'acme', 'worker'],
      ]);
      for (const r of rows) {
        expect(await verifyPassword({ hash: r.password, password: DEMO_PASSWORD })).toBe(true);
      }
    });

    it('creates one demo staff account per staff space, the accountant serving both tenants', async () => {
      const rows = await db.rows<{ email: string; password: string; space: string; serves: string[] }>(sql`
        select u.email, a.password, s.space,
               coalesce(array_agg(o.slug order by o.slug) filter (where o.slug is not null), '{}') as serves
        from platform_staff s join "user" u on u.id = s.user_id
        join account a on a.user_id = u.id and a.provider_id = 'credential'
        left join accountant_tenants t on t.user_id = u.id left join organization o on o.id = t.org_id
        group by u.email, a.password, s.space order by u.email`);
      expect(rows.map((r) => [r.email, r.space, r.serves])).toEqual([
        ['accountant@streamflow.test', 'accounting', ['acme', 'globex']],
        ['dev@streamflow.test', 'dev', []],
        ['provider@streamflow.test', 'provider', []],
      ]);
      for (const r of rows) expect(await verifyPassword({ hash: r.password, password: DEMO_PASSWORD })).toBe(true);
    });

    it('gives the field worker assigned work orders over the next 14 days', async () => {
      const rows = await db.rows<{ n: number; first: string; last: string }>(sql`
        select count(*)::int as n, min(w.scheduled_start)::text as first, max(w.scheduled_start)::text as last
        from work_orders w join "user" u on u.id = w.assignee_id
        where u.email = 'worker@acme.test' and w.scheduled_start >= ${now.toISOString()}::timestamptz - interval '1 day'`);
      expect(rows[0]?.n).toBeGreaterThanOrEqual(10);
      expect(new Date(rows[0]?.last ?? 0).getTime()).toBeLessThan(now.getTime() + 15 * 86_400_000);
    });

    it('keeps every seeded row inside its own tenant', async () => {
      const [row] = await db.rows<{ n: number }>(sql`
        select count(*)::int as n from contacts c join companies co on co.id = c.company_id
        where c.org_id <> co.org_id`);
      expect(row?.n).toBe(0);
    });

    it('adds bulk leads by COPY with progress', async () => {
      const progress: number[] = [];
      const { inserted, orgId } = await addVolumeLeads(db, 'globex', 25_000, (done) => progress.push(done));
      expect(inserted).toBe(25_000);
      expect(progress).toEqual([20_000, 25_000]);
      const [row] = await db.rows<{ n: number }>(sql`select count(*)::int as n from leads where org_id = ${orgId} and email like '%@bulk.example'`);
      expect(row?.n).toBe(25_000);
    });
  });
}
