import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { addTestUser, signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite } from '../testing/mutations.ts';

interface Invoice {
  id: string;
  tenantId: string;
  tenant: string;
  number: string;
  status: string;
  total: string;
}

/**
 * The read APIs of the spaces beside the tenant's own pages: the team
 * directory (any member), the accounting space (served tenants only) and the
 * dev diagnostics. On PGlite and Postgres.
 */
export function staffReadsSuite(engine: TestEngine) {
  describe(`team, accounting and diagnostics reads on ${engine.kind}`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let owner: SignedIn;
    let worker: SignedIn;
    let globexOwner: SignedIn;
    let accountant: SignedIn;
    let acmeOnly: SignedIn;
    let dev: SignedIn;
    const get = async (who: SignedIn, path: string) => {
      const res = await t.app.request(path, { headers: who.headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const orgOf = async (slug: string) => (await db.rows<{ id: string }>(sql`select id from organization where slug = ${slug}`))[0]?.id ?? '';

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db);
      await addTestUser(db, { email: 'books-acme@platform.test', space: 'accounting', tenants: ['acme'] });
      [owner, worker, globexOwner, accountant, acmeOnly, dev] = await Promise.all([
        signIn(t.app, 'owner@acme.test'),
        signIn(t.app, 'worker@acme.test'),
        signIn(t.app, 'owner@globex.test'),
        signIn(t.app, 'accountant@streamflow.test'),
        signIn(t.app, 'books-acme@platform.test'),
        signIn(t.app, 'dev@streamflow.test'),
      ]);
    });
    afterAll(async () => {
      await db.close();
    });

    it('lists the tenant\'s members with names and roles to every member, a field worker too, and no emails', async () => {
      for (const who of [owner, worker]) {
        const { status, body } = await get(who, '/api/team');
        expect(status).toBe(200);
        const members = body.members as { userId: string; name: string; roles: string[] }[];
        expect(members.map((m) => [m.name, m.roles])).toEqual([
          ['Casey Consultant', ['staff']],
          ['Marco Manager', ['manager']],
          ['Olivia Owner', ['owner']],
          ['Wes Worker', ['worker']],
        ]);
        expect(JSON.stringify(members)).not.toContain('@');
      }
      const other = await get(globexOwner, '/api/team');
      expect((other.body.members as { name: string }[]).map((m) => m.name)).toEqual(['Casey Consultant', 'Gina Globex']);
    });

    it('gives an accountant the revenue of each tenant served, matching the books', async () => {
      const { status, body } = await get(accountant, '/api/accounting/tenants');
      expect(status).toBe(200);
      const tenants = body.tenants as { id: string; slug: string; revenue: { currency: string; invoiced: string; outstanding: string; received: string; invoices: number }[] }[];
      expect(tenants.map((x) => x.slug).sort()).toEqual(['acme', 'globex']);
      for (const tenant of tenants) {
        const [books] = await db.rows<{ invoices: number; invoiced: string; outstanding: string; received: string }>(sql`
          select (select count(*)::int from invoices where org_id = ${tenant.id}) as invoices,
                 (select coalesce(sum(total), 0)::text from invoices where org_id = ${tenant.id} and status in ('open', 'paid')) as invoiced,
                 (select coalesce(sum(greatest(total - amount_paid, 0)), 0)::text from invoices where org_id = ${tenant.id} and status = 'open') as outstanding,
                 (select coalesce(sum(amount), 0)::text from payments where org_id = ${tenant.id} and status = 'succeeded') as received`);
        expect(tenant.revenue.reduce((n, r) => n + r.invoices, 0)).toBe(books?.invoices);
        expect(books?.invoices).toBeGreaterThan(0);
        const sum = (k: 'invoiced' | 'outstanding' | 'received') => tenant.revenue.reduce((n, r) => n + Number(r[k]), 0).toFixed(2);
        expect([sum('invoiced'), sum('outstanding'), sum('received')]).toEqual([books?.invoiced, books?.outstanding, books?.received].map((v) => Number(v).toFixed(2)));
      }
    });

    it('pages through the invoices of the served tenants with a cursor, newest first, each invoice once', async () => {
      const all: Invoice[] = [];
      let next: string | null = null;
      let pages = 0;
      do {
        const { status, body } = await get(accountant, `/api/accounting/invoices?limit=5${next ? `&before=${encodeURIComponent(next)}` : ''}`);
        expect(status).toBe(200);
        all.push(...(body.invoices as Invoice[]));
        next = body.next as string | null;
        pages += 1;
      } while (next && pages < 50);
      const [count] = await db.rows<{ n: number }>(sql`select count(*)::int as n from invoices`);
      expect(all).toHaveLength(count?.n ?? -1);
      expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
      expect(pages).toBeGreaterThan(1);
      expect(new Set(all.map((i) => i.tenant))).toEqual(new Set(['Acme Field Services', 'Globex Plumbing']));

      const acme = await orgOf('acme');
      const open = await get(accountant, `/api/accounting/invoices?tenant=${acme}&status=open`);
      const rows = open.body.invoices as Invoice[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((i) => i.tenantId === acme && i.status === 'open')).toBe(true);
    });

    it('never shows an accountant a tenant they do not serve, and answers it like a missing one', async () => {
      const globex = await orgOf('globex');
      const invoices = (await get(acmeOnly, '/api/accounting/invoices?limit=200')).body.invoices as Invoice[];
      expect(invoices.length).toBeGreaterThan(0);
      expect(invoices.every((i) => i.tenant === 'Acme Field Services')).toBe(true);
      const payments = (await get(acmeOnly, '/api/accounting/payments?limit=200')).body.payments as { tenant: string }[];
      expect(payments.every((p) => p.tenant === 'Acme Field Services')).toBe(true);
      for (const tenant of [globex, 'no-such-tenant']) {
        const res = await get(acmeOnly, `/api/accounting/invoices?tenant=${tenant}`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: { code: 'TENANT_NOT_SERVED', message: expect.any(String), details: {} } });
      }
      const tenants = (await get(acmeOnly, '/api/accounting/tenants')).body.tenants as { slug: string }[];
      expect(tenants.map((x) => x.slug)).toEqual(['acme']);
    });

    it('refuses bad filters and cursors with the error envelope and audits every cross-tenant read', async () => {
      for (const q of ['status=paidish', 'limit=0', 'limit=abc', 'before=yesterday', 'where=1%3D1']) {
        const res = await get(accountant, `/api/accounting/payments?${q}`);
        expect({ q, status: res.status }).toEqual({ q, status: 422 });
        expect((res.body.error as { code: string }).code).toBe('VALIDATION_FAILED');
      }
      const [audit] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'platform.accounting.invoices'`);
      expect(audit?.n).toBeGreaterThan(0);
    });

    it('shows a platform developer the database, queue, change log and request and write counts of this instance', async () => {
      const before = (await get(dev, '/api/dev/diagnostics')).body as { http: { total: number }; writes: { table: string; outcome: string; count: number }[] };
      const id = crypto.randomUUID();
      const w = await postWrite(t.app, owner.headers, [mutation.insert('leads', { id, name: 'Diagnostics lead' })]);
      expect(w.status).toBe(200);
      const { status, body } = await get(dev, '/api/dev/diagnostics');
      expect(status).toBe(200);
      const d = body as {
        db: { kind: string; ok: boolean; migrations: number };
        sync: { watermark: string; changeLogRows: number; changeLogCommits: number };
        http: { total: number; byStatus: Record<string, number>; errorRate5xx: number };
        writes: { table: string; outcome: string; count: number }[];
        jobs: { counts: unknown[]; oldestDueSeconds: number };
      };
      expect(d.db).toMatchObject({ kind: engine.kind, ok: true });
      expect(d.db.migrations).toBeGreaterThan(5);
      const [wm] = await db.rows<{ lsn: string }>(sql`select max(lsn)::text as lsn from sync_commits`);
      expect(d.sync.watermark).toBe(wm?.lsn);
      expect(d.sync.changeLogRows).toBeGreaterThan(0);
      expect(d.http.total).toBeGreaterThanOrEqual(before.http.total + 2);
      expect(d.http.byStatus['2xx']).toBeGreaterThan(0);
      const applied = (ws: typeof d.writes) => ws.find((x) => x.table === 'leads' && x.outcome === 'applied')?.count ?? 0;
      expect(applied(d.writes)).toBe(applied(before.writes) + 1);
      expect(JSON.stringify(d)).not.toContain('Diagnostics lead');
    });
  });
}
