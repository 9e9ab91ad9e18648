import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite, stamp, type WireMutation } from '../testing/mutations.ts';

type Result = Record<string, unknown>;

/**
 * Hardening of the write path (issue 20): a field worker cannot grow their
 * customer slice, text the database cannot store is refused per mutation,
 * database error texts stay in the log, and people fields name members.
 */
export function writeHardeningSuite(engine: TestEngine) {
  describe(`write path hardening on ${engine.kind}`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let owner: SignedIn;
    let worker: SignedIn;
    let ids: { owner: string; worker: string; globex: string };

    const userId = async (email: string) =>
      (await db.rows<{ id: string }>(sql`select id from "user" where email = ${email}`))[0]?.id ?? '';
    /** The row ids a session's initial snapshot of a shape holds, read through the real shape route. */
    const shapeIds = async (who: SignedIn, shape: string) => {
      const res = await t.app.request(`/v1/shape?table=${shape}&offset=-1`, { headers: who.headers });
      expect(res.status).toBe(200);
      const messages = (await res.json()) as { value?: { id?: string } }[];
      return new Set(messages.flatMap((m) => (m.value?.id ? [m.value.id] : [])));
    };

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db);
      [owner, worker] = await Promise.all([signIn(t.app, 'owner@acme.test'), signIn(t.app, 'worker@acme.test')]);
      ids = { owner: await userId('owner@acme.test'), worker: await userId('worker@acme.test'), globex: await userId('owner@globex.test') };
    });
    afterAll(async () => {
      await t.shapes.close();
      await db.close();
    });

    it("keeps a field worker from re-pointing their job at another customer, and the customer out of their slice", async () => {
      const [wo] = await db.rows<{ id: string; company_id: string | null; contact_id: string | null; status: string }>(
        sql`select id, company_id, contact_id, status from work_orders where assignee_id = ${ids.worker} and status = 'scheduled' limit 1`,
      );
      expect(wo).toBeDefined();
      if (!wo) return;
      // A customer on none of the worker's jobs.
      const [company, contact] = [crypto.randomUUID(), crypto.randomUUID()];
      const made = await postWrite(t.app, owner.headers, [
        mutation.insert('companies', { id: company, name: 'Not your customer' }),
        mutation.insert('contacts', { id: contact, first_name: 'Not', last_name: 'Yours', company_id: company }),
      ]);
      expect(made.body.results.map((r) => r.status)).toEqual(['applied', 'applied']);

      const r = await postWrite(t.app, worker.headers, [
        mutation.update('work_orders', wo.id, { company_id: company }, { company_id: wo.company_id }),
        mutation.update('work_orders', wo.id, { contact_id: contact.toUpperCase() }, { contact_id: wo.contact_id }),
        // An insert of an existing id merges like an update: the same rule.
        mutation.insert('work_orders', { id: wo.id, number: 'X', title: 'X', company_id: company }),
        // What the app's worker pages write: a status move.
        mutation.update('work_orders', wo.id, { status: 'in_progress' }, { status: wo.status }),
        // The customer fields sent unchanged are fine.
        mutation.update('work_orders', wo.id, { company_id: wo.company_id, contact_id: wo.contact_id, status: 'paused' }, { status: 'in_progress' }),
      ]);
      expect(r.body.results.map((x) => [x.status, x.code])).toEqual([
        ['rejected', 'FORBIDDEN'],
        ['rejected', 'FORBIDDEN'],
        ['rejected', 'FORBIDDEN'],
        ['applied', undefined],
        ['applied', undefined],
      ]);
      expect(r.body.results[0]?.message).toBe("Field workers may not change a job's customer.");
      const [after] = await db.rows<{ company_id: string | null; contact_id: string | null; status: string }>(
        sql`select company_id, contact_id, status from work_orders where id = ${wo.id}`,
      );
      expect(after).toEqual({ company_id: wo.company_id, contact_id: wo.contact_id, status: 'paused' });
      expect((await shapeIds(worker, 'my_companies')).has(company)).toBe(false);
      expect((await shapeIds(worker, 'my_contacts')).has(contact)).toBe(false);
      // The worker's own customer is in the slice (the check above can see a customer at all).
      if (wo.company_id) expect((await shapeIds(worker, 'my_companies')).has(wo.company_id)).toBe(true);
      // Managers may re-point a job.
      const moved = await postWrite(t.app, owner.headers, [mutation.update('work_orders', wo.id, { company_id: company }, { company_id: wo.company_id })]);
      expect(moved.body.results[0]?.status).toBe('applied');
      expect((await shapeIds(worker, 'my_companies')).has(company)).toBe(true);
    });

    it('lets a worker granted work-order creation make their own job only without a customer', async () => {
      const [role] = await db.rows<{ id: string; org_id: string }>(
        sql`select r.id, r.org_id from roles r join organization o on o.id = r.org_id where o.slug = 'acme' and r.key = 'worker'`,
      );
      await db.rows(sql`insert into role_permissions (org_id, role_id, permission) values (${role?.org_id ?? ''}, ${role?.id ?? ''}, 'work_orders.create')`);
      try {
        const [company] = await db.rows<{ id: string }>(sql`select c.id from companies c join organization o on o.id = c.org_id where o.slug = 'acme' limit 1`);
        const job = (values: Record<string, unknown>) => {
          const id = crypto.randomUUID();
          return mutation.insert('work_orders', { id, number: `WO-W-${id.slice(0, 8)}`, title: 'Found on site', assignee_id: ids.worker, ...values });
        };
        const r = await postWrite(t.app, worker.headers, [job({ company_id: company?.id }), job({ company_id: null }), job({})]);
        expect(r.body.results.map((x) => [x.status, x.code])).toEqual([
          ['rejected', 'FORBIDDEN'],
          ['applied', undefined],
          ['applied', undefined],
        ]);
      } finally {
        await db.rows(sql`delete from role_permissions where role_id = ${role?.id ?? ''} and permission = 'work_orders.create'`);
      }
    });

    it('refuses text the database cannot store in that mutation only, and stores and replays the answer', async () => {
      const lead = (values: Record<string, unknown> = {}) => mutation.insert('leads', { id: crypto.randomUUID(), name: 'Lead', ...values });
      const [good1, good2] = [lead({ name: 'Before' }), lead({ name: 'After' })];
      const [wo] = await db.rows<{ id: string }>(sql`select w.id from work_orders w join organization o on o.id = w.org_id where o.slug = 'acme' and w.status = 'scheduled' limit 1`);
      const bad: WireMutation[] = [
        { ...lead(), table: 'leads\u0000' },
        lead({ 'na\u0000me': 'x' }),
        lead({ status: 'a\u0000b' }),
        mutation.update('work_orders', wo?.id ?? '', { status: 'a\u0000b' }, { status: 'scheduled' }),
        lead({ name: 'lone \ud800 surrogate' }),
        lead({ name: 'lone \udfff low' }),
        lead({ custom: { '\ud800': 1 } }),
        lead({ custom: { deep: [{ x: 'nul \u0000 inside' }] } }),
        { ...lead(), base: { name: '\u0000' } },
        { ...lead(), hlc: '\u0000' },
        { ...mutation.insert('time_entries', { id: crypto.randomUUID(), user_id: ids.owner, clock_in_at: '2026-11-22T08:00:00Z', note: '\ud800' }), hlc: stamp(1000) },
        { ...lead(), table: '\ud800' },
      ];
      const r = await postWrite(t.app, owner.headers, [good1, ...bad, good2]);
      expect(r.status).toBe(200);
      const results = r.body.results;
      expect(results[0]).toEqual({ id: good1.id, status: 'applied' });
      expect(results.at(-1)).toEqual({ id: good2.id, status: 'applied' });
      for (const x of results.slice(1, -1)) {
        expect(x).toEqual({ id: x.id, status: 'rejected', code: 'INVALID', message: 'Text may not contain NUL characters or unpaired surrogates.' });
      }
      const names = await db.rows<{ name: string }>(sql`select name from leads where id in (${good1.pk.id}, ${good2.pk.id}) order by name`);
      expect(names.map((n) => n.name)).toEqual(['After', 'Before']);
      const again = await postWrite(t.app, owner.headers, [good1, ...bad, good2], r.key);
      expect(again.body).toEqual(r.body);
      // A new batch holding the same mutations answers each as a duplicate of its stored outcome.
      const rebuilt = await postWrite(t.app, owner.headers, bad.slice(0, 2));
      expect(rebuilt.body.results.map((x) => x.status)).toEqual(['duplicate', 'duplicate']);
      const audited = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'write.rejected' and details->>'mutationId' = ${bad[0]?.id ?? ''}`);
      expect(audited[0]?.n).toBe(1);
    });

    it('refuses values nested too deep for the database in that mutation only, and a body nested thousands deep as a whole', async () => {
      const nest = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
      const ok = mutation.insert('leads', { id: crypto.randomUUID(), name: 'Shallow', custom: { a: nest(20) } });
      const deep = mutation.insert('leads', { id: crypto.randomUUID(), name: 'Deep', custom: { a: nest(40) } });
      const r = await postWrite(t.app, owner.headers, [ok, deep]);
      expect(r.status).toBe(200);
      expect(r.body.results).toEqual([
        { id: ok.id, status: 'applied' },
        { id: deep.id, status: 'rejected', code: 'INVALID', message: 'Values may be nested at most 32 levels deep.' },
      ]);
      for (const depth of [5_000, 200_000]) {
        // Built as text: JSON.stringify itself recurses.
        const m = mutation.insert('leads', { id: crypto.randomUUID(), name: 'Hostile', custom: 'DEEP' });
        const body = JSON.stringify({ mutations: [m] }).replace('"DEEP"', '['.repeat(depth) + ']'.repeat(depth));
        const res = await t.app.request('/api/write', {
          method: 'POST',
          headers: { ...owner.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body,
        });
        const answer = (await res.json()) as { error?: { code: string } };
        // The shared body parser refuses it before the batch is read (docs/writes.md).
        expect({ depth, status: res.status, code: answer.error?.code }).toEqual({ depth, status: 400, code: 'INVALID_JSON' });
      }
    });

    it('answers a database refusal with a fixed sentence, keeping its text in the log', async () => {
      await db.rows(sql.raw(`create function refuse_secret() returns trigger language plpgsql as $$
        begin if new.name = 'Secret' then raise exception 'internal detail 4711' using errcode = '23514'; end if; return new; end $$`));
      await db.rows(sql`create trigger refuse_secret before insert on leads for each row execute function refuse_secret()`);
      try {
        const m = mutation.insert('leads', { id: crypto.randomUUID(), name: 'Secret' });
        const ok = mutation.insert('leads', { id: crypto.randomUUID(), name: 'Fine' });
        const r = await postWrite(t.app, owner.headers, [m, ok]);
        expect(r.body.results).toEqual([
          { id: m.id, status: 'rejected', code: 'INVALID', message: 'A value is outside what this field allows.' },
          { id: ok.id, status: 'applied' },
        ]);
        expect(JSON.stringify(r.body)).not.toContain('4711');
        const logged = t.logger.lines.filter((l) => JSON.stringify(l).includes('internal detail 4711'));
        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatchObject({ msg: 'write.data_error', sqlState: '23514', mutationId: m.id, table: 'leads' });
      } finally {
        await db.rows(sql`drop trigger refuse_secret on leads`);
        await db.rows(sql`drop function refuse_secret()`);
      }
    });

    it('accepts only members of the tenant as assignees and owners, on create and update', async () => {
      const people: [string, string, (id: string) => Record<string, unknown> & { id: string }, string?][] = [
        ['work_orders', 'assignee_id', (id) => ({ id, number: `WO-A-${id.slice(0, 8)}`, title: 'Job' })],
        ['leads', 'assignee_id', (id) => ({ id, name: 'Lead' })],
        ['tasks', 'assignee_id', (id) => ({ id, title: 'Task' })],
        ['companies', 'owner_id', (id) => ({ id, name: 'Company' })],
        ['contacts', 'owner_id', (id) => ({ id, first_name: 'Ann' })],
        ['opportunities', 'owner_id', (id) => ({ id, name: 'Deal', stage: 'new' })],
        ['time_entries', 'user_id', (id) => ({ id, clock_in_at: '2026-11-22T08:00:00Z' }), stamp(1000)],
      ];
      for (const [table, field, values, hlc] of people) {
        const [a, b, c, d] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
        const created = await postWrite(t.app, owner.headers, [
          mutation.insert(table, { ...values(a), [field]: 'nobody' }, hlc),
          mutation.insert(table, { ...values(b), [field]: ids.globex }, hlc),
          mutation.insert(table, { ...values(c), [field]: ids.worker }, hlc),
          ...(field === 'user_id' ? [] : [mutation.insert(table, { ...values(d), [field]: null }, hlc)]),
        ]);
        const message = `${field} must name a member of this workspace.`;
        expect({ table, results: created.body.results.map((x) => [x.status, x.message]) }).toEqual({
          table,
          results: [['rejected', message], ['rejected', message], ['applied', undefined], ...(field === 'user_id' ? [] : [['applied', undefined]])],
        });
        const later = hlc ? stamp(2000) : undefined;
        const updated = await postWrite(t.app, owner.headers, [
          mutation.update(table, c, hlc ? { ...values(c), [field]: ids.globex } : { [field]: ids.globex }, { [field]: ids.worker }, later),
          mutation.update(table, c, hlc ? { ...values(c), [field]: ids.owner } : { [field]: ids.owner }, { [field]: ids.worker }, later && stamp(3000)),
        ]);
        expect({ table, results: updated.body.results.map((x) => [x.status, x.message]) }).toEqual({ table, results: [['rejected', message], ['applied', undefined]] });
        const rows = await db.rows<Result>(sql`select ${sql.identifier(field)} as who from ${sql.identifier(table)} where id in (${a}, ${b}, ${c})`);
        expect(rows).toEqual([{ who: ids.owner }]);
      }
    });
  });
}
