import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite, stamp } from '../testing/mutations.ts';
import { pruneIdempotencyKeys } from './prune.ts';

type Result = Record<string, unknown>;

/** Every rule of PROTOCOL.md section 2, on PGlite and on Postgres. */
export function writeSuite(engine: TestEngine) {
  describe(`POST /api/write on ${engine.kind}`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let owner: SignedIn;
    let manager: SignedIn;
    let worker: SignedIn;
    let globex: SignedIn;
    let workerId: string;

    const lead = async (id: string) =>
      (await db.rows<Result>(sql`select * from leads where id = ${id}`))[0];
    const newLead = async (values: Record<string, unknown> = {}) => {
      const id = crypto.randomUUID();
      const r = await postWrite(t.app, owner.headers, [mutation.insert('leads', { id, name: 'Lead', status: 'new', phone: '100', ...values })]);
      expect(r.body.results[0]?.status).toBe('applied');
      return id;
    };

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db);
      [owner, manager, worker, globex] = await Promise.all([
        signIn(t.app, 'owner@acme.test'),
        signIn(t.app, 'manager@acme.test'),
        signIn(t.app, 'worker@acme.test'),
        signIn(t.app, 'owner@globex.test'),
      ]);
      workerId = (await db.rows<{ id: string }>(sql`select id from "user" where email = 'worker@acme.test'`))[0]?.id ?? '';
    });
    afterAll(async () => {
      await db.close();
    });

    it('applies an insert in the session tenant, stamps write_id and returns the txid', async () => {
      const id = crypto.randomUUID();
      const m = mutation.insert('leads', { id, name: 'New lead', email: 'new@lead.test', status: 'new', org_id: 'not-mine' });
      const r = await postWrite(t.app, owner.headers, [m]);
      expect(r.status).toBe(200);
      expect(r.body.results).toEqual([{ id: m.id, status: 'applied' }]);
      expect(r.body.txid).toMatch(/^\d+$/);
      const row = await lead(id);
      expect(row?.write_id).toBe(m.id);
      const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
      expect(row?.org_id).toBe(acme?.id);
      expect(row?.updated_by).not.toBeNull();
    });

    it('applies mutations whose ids come in upper case, and answers their replays as duplicates', async () => {
      const id = crypto.randomUUID();
      const m = mutation.insert('leads', { id: id.toUpperCase(), name: 'Upper case ids' });
      m.id = m.id.toUpperCase();
      m.pk.id = m.pk.id.toUpperCase();
      const r = await postWrite(t.app, owner.headers, [m]);
      expect(r.body.results).toEqual([{ id: m.id.toLowerCase(), status: 'applied' }]);
      expect((await lead(id))?.write_id).toBe(m.id.toLowerCase());
      const again = await postWrite(t.app, owner.headers, [{ ...m, id: m.id.toLowerCase() }]);
      expect(again.body.results).toEqual([{ id: m.id.toLowerCase(), status: 'duplicate', original: { status: 'applied' } }]);
    });

    it('replays the stored response for the same key and body, applying nothing', async () => {
      const id = await newLead();
      const m = mutation.update('leads', id, { status: 'contacted' }, { status: 'new' });
      const first = await postWrite(t.app, owner.headers, [m]);
      await db.rows(sql`update leads set status = 'new' where id = ${id}`); // someone moved it back
      const again = await postWrite(t.app, owner.headers, [m], first.key);
      expect(again).toEqual(first);
      expect((await lead(id))?.status).toBe('new');
    });

    it('refuses the same key with a different body', async () => {
      const id = await newLead();
      const first = await postWrite(t.app, owner.headers, [mutation.update('leads', id, { score: 5 }, { score: 0 })]);
      const other = await postWrite(t.app, owner.headers, [mutation.update('leads', id, { score: 6 }, { score: 0 })], first.key);
      expect(other.status).toBe(422);
      expect(other.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('answers duplicate with the original outcome for a mutation id seen before', async () => {
      const id = await newLead();
      const m = mutation.update('leads', id, { score: 7 }, { score: 0 });
      await postWrite(t.app, owner.headers, [m]);
      const rebuilt = await postWrite(t.app, owner.headers, [m, mutation.update('leads', id, { notes: 'x' }, { notes: null })]);
      expect(rebuilt.body.results[0]).toEqual({ id: m.id, status: 'duplicate', original: { status: 'applied' } });
      expect(rebuilt.body.results[1]?.status).toBe('applied');
    });

    it('merges edits of different fields from two devices', async () => {
      const id = await newLead();
      const a = await postWrite(t.app, owner.headers, [mutation.update('leads', id, { phone: '200' }, { phone: '100' })]);
      const b = await postWrite(t.app, manager.headers, [mutation.update('leads', id, { status: 'qualified' }, { status: 'new' })]);
      expect([a.body.results[0]?.status, b.body.results[0]?.status]).toEqual(['applied', 'applied']);
      expect(await lead(id)).toMatchObject({ phone: '200', status: 'qualified' });
    });

    it('reports a conflicting field with base, mine and theirs, and applies nothing of that mutation', async () => {
      const id = await newLead();
      await postWrite(t.app, owner.headers, [mutation.update('leads', id, { phone: '300' }, { phone: '100' })]);
      const m = mutation.update('leads', id, { phone: '400', notes: 'call back' }, { phone: '100', notes: null });
      const r = await postWrite(t.app, manager.headers, [m]);
      expect(r.status).toBe(409);
      expect(r.body.results[0]).toMatchObject({
        id: m.id,
        status: 'conflict',
        code: 'CONFLICT',
        conflicts: [{ field: 'phone', base: '100', mine: '400', theirs: '300' }],
        row: { id, phone: '300' },
      });
      expect(await lead(id)).toMatchObject({ phone: '300', notes: null });
    });

    it('treats a value the server already has as done, and compares numbers and times by value', async () => {
      const id = await newLead({ value: '100.00' });
      const same = await postWrite(t.app, owner.headers, [mutation.update('leads', id, { phone: '100' }, { phone: '999' })]);
      expect(same.body.results[0]?.status).toBe('applied');
      const num = await postWrite(t.app, owner.headers, [mutation.update('leads', id, { value: '150.5' }, { value: 100 })]);
      expect(num.body.results[0]?.status).toBe('applied');
      expect(String((await lead(id))?.value)).toBe('150.50');
    });

    it('answers 200 when only some mutations conflict', async () => {
      const id = await newLead();
      await postWrite(t.app, owner.headers, [mutation.update('leads', id, { phone: '300' }, { phone: '100' })]);
      const r = await postWrite(t.app, owner.headers, [
        mutation.update('leads', id, { phone: '500' }, { phone: '100' }),
        mutation.update('leads', id, { score: 9 }, { score: 0 }),
      ]);
      expect(r.status).toBe(200);
      expect(r.body.results.map((x) => x.status)).toEqual(['conflict', 'applied']);
    });

    it('treats a delete of a row changed since it was seen as a conflict', async () => {
      const id = await newLead();
      const [seen] = await db.rows<{ u: string }>(sql`select updated_at::text as u from leads where id = ${id}`);
      await postWrite(t.app, manager.headers, [mutation.update('leads', id, { score: 3 }, { score: 0 })]);
      const stale = await postWrite(t.app, owner.headers, [mutation.delete('leads', id, { updated_at: seen?.u })]);
      expect(stale.body.results[0]?.status).toBe('conflict');
      const [now] = await db.rows<{ u: string }>(sql`select updated_at::text as u from leads where id = ${id}`);
      const fresh = await postWrite(t.app, owner.headers, [mutation.delete('leads', id, { updated_at: now?.u })]);
      expect(fresh.body.results[0]?.status).toBe('applied');
      expect(await lead(id)).toBeUndefined();
    });

    it('keeps the newest hlc on last-writer-wins tables in any upload order, and clamps future clocks', async () => {
      const id = crypto.randomUUID();
      const base = { id, user_id: workerId, clock_in_at: '2026-11-22T08:00:00Z' };
      const v1 = mutation.insert('time_entries', { ...base, note: 'v1' }, stamp(1000));
      const v3 = mutation.update('time_entries', id, { ...base, note: 'v3', clock_out_at: '2026-11-22T12:00:00Z' }, {}, stamp(3000));
      const v2 = mutation.update('time_entries', id, { ...base, note: 'v2' }, {}, stamp(2000));
      const r = await postWrite(t.app, worker.headers, [v3, v1, v2]);
      expect(r.body.results).toEqual([
        { id: v3.id, status: 'applied' },
        { id: v1.id, status: 'applied', superseded: true },
        { id: v2.id, status: 'applied', superseded: true },
      ]);
      const [row] = await db.rows<{ note: string; hlc: string }>(sql`select note, hlc from time_entries where id = ${id}`);
      expect(row?.note).toBe('v3');
      const future = t.clock.now().getTime() + 3_600_000;
      const f = await postWrite(t.app, worker.headers, [mutation.update('time_entries', id, { ...base, note: 'future' }, {}, stamp(future))]);
      expect(f.body.results[0]).toMatchObject({ status: 'applied', clamped: { from: stamp(future) } });
      const [clamped] = await db.rows<{ hlc: string }>(sql`select hlc from time_entries where id = ${id}`);
      expect(clamped?.hlc.startsWith(String(t.clock.now().getTime() + 60_000).padStart(15, '0'))).toBe(true);
    });

    it("answers NOT_FOUND for another tenant's row, exactly as for a missing one, and changes nothing", async () => {
      const id = await newLead({ name: 'Acme secret' });
      const theirs = await postWrite(t.app, globex.headers, [mutation.update('leads', id, { name: 'pwned' }, { name: 'Acme secret' })]);
      const missing = await postWrite(t.app, globex.headers, [mutation.update('leads', crypto.randomUUID(), { name: 'pwned' }, { name: 'x' })]);
      const strip = (r: Result | undefined) => ({ ...r, id: undefined, message: undefined });
      expect(strip(theirs.body.results[0])).toEqual(strip(missing.body.results[0]));
      expect(theirs.body.results[0]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
      expect((await lead(id))?.name).toBe('Acme secret');
    });

    it('rejects a table or operation the role lacks, and audits it', async () => {
      const id = await newLead();
      const m = mutation.update('leads', id, { status: 'qualified' }, { status: 'new' });
      const r = await postWrite(t.app, worker.headers, [m]);
      expect(r.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      const audit = await db.rows<{ action: string }>(sql`select action from audit_log where details->>'mutationId' = ${m.id}`);
      expect(audit).toEqual([{ action: 'write.rejected' }]);
    });

    it('lets a worker move only their own work orders, along allowed transitions, with history', async () => {
      const mine = await db.rows<{ id: string; status: string }>(
        sql`select id, status from work_orders where assignee_id = ${workerId} and status = 'scheduled' limit 1`,
      );
      const others = await db.rows<{ id: string; status: string }>(
        sql`select w.id, w.status from work_orders w join organization o on o.id = w.org_id
            where o.slug = 'acme' and w.assignee_id <> ${workerId} limit 1`,
      );
      const wo = mine[0];
      const other = others[0];
      if (!wo || !other) throw new Error('seed has work orders');
      const bad = await postWrite(t.app, worker.headers, [mutation.update('work_orders', wo.id, { status: 'done' }, { status: 'scheduled' })]);
      expect(bad.body.results[0]).toMatchObject({ status: 'rejected', code: 'INVALID' });
      const start = mutation.update('work_orders', wo.id, { status: 'in_progress' }, { status: 'scheduled' });
      const ok = await postWrite(t.app, worker.headers, [start]);
      expect(ok.body.results[0]?.status).toBe('applied');
      const history = await db.rows<{ from_status: string; to_status: string; changed_by: string }>(
        sql`select from_status, to_status, changed_by from work_order_status_history where write_id = ${start.id}`,
      );
      expect(history).toEqual([{ from_status: 'scheduled', to_status: 'in_progress', changed_by: workerId }]);
      const steal = await postWrite(t.app, worker.headers, [mutation.update('work_orders', other.id, { status: 'cancelled' }, { status: other.status })]);
      expect(steal.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      const reassign = await postWrite(t.app, worker.headers, [mutation.update('work_orders', wo.id, { assignee_id: 'someone-else' }, { assignee_id: workerId })]);
      expect(reassign.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    });

    it('rejects invalid values with the zod issues, unknown fields and tables, and stores SQL-looking text verbatim', async () => {
      const id = crypto.randomUUID();
      const r = await postWrite(t.app, owner.headers, [
        mutation.insert('leads', { id, name: 'X', email: 'not-an-email' }),
        mutation.insert('leads', { id: crypto.randomUUID(), name: 'Y', nmae: 'typo' }),
        mutation.insert('user', { id: crypto.randomUUID(), name: 'Z' }),
        mutation.insert('leads', { id: crypto.randomUUID(), name: "Robert'); DROP TABLE leads;--" }),
        mutation.insert('leads', { id: crypto.randomUUID(), name: 'W', score: 'ten' }),
      ]);
      expect(r.status).toBe(200);
      const [bad, unknown, table, sqlish, wrongType] = r.body.results;
      expect(bad).toMatchObject({ status: 'rejected', code: 'INVALID' });
      expect(JSON.stringify(bad?.issues)).toContain('email');
      expect(unknown).toMatchObject({ status: 'rejected', code: 'INVALID', message: expect.stringContaining('nmae') });
      expect(table).toMatchObject({ status: 'rejected', code: 'INVALID' });
      expect(wrongType).toMatchObject({ status: 'rejected', code: 'INVALID' });
      expect(sqlish?.status).toBe('applied');
      const stored = await db.rows<{ name: string }>(sql`select name from leads where name like 'Robert%'`);
      expect(stored).toEqual([{ name: "Robert'); DROP TABLE leads;--" }]);
    });

    it('answers bad requests in the envelope, never a 500', async () => {
      const post = (body: string, headers: Record<string, string>) =>
        t.app.request('/api/write', { method: 'POST', headers: { ...owner.headers, 'content-type': 'application/json', ...headers }, body });
      const key = { 'idempotency-key': crypto.randomUUID() };
      const codes = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
      expect(await codes(await post('{"mutations":', key))).toEqual([400, 'INVALID_JSON']);
      expect(await codes(await post('{"mutations":[]}', {}))).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
      expect(await codes(await post('{"mutations":[{"id":"nope"}]}', key))).toEqual([422, 'INVALID_BATCH']);
      const many = JSON.stringify({ mutations: Array.from({ length: 501 }, () => mutation.delete('leads', crypto.randomUUID())) });
      expect(await codes(await post(many, key))).toEqual([413, 'BATCH_TOO_LARGE']);
      expect(await codes(await post(JSON.stringify({ mutations: [], pad: 'x'.repeat(1_100_000) }), key))).toEqual([413, 'BATCH_TOO_LARGE']);
      const anon = await t.app.request('/api/write', { method: 'POST', headers: { 'content-type': 'application/json', ...key }, body: '{}' });
      expect(anon.status).toBe(401);
    });

    it('prunes idempotency keys and the ledger after the retention window, not before', async () => {
      const m = mutation.update('leads', await newLead(), { score: 1 }, { score: 0 });
      const first = await postWrite(t.app, owner.headers, [m]);
      // Keys are stamped by the database clock; prune relative to it.
      const kept = await pruneIdempotencyKeys(db, { now: () => new Date() }, 72);
      expect(await postWrite(t.app, owner.headers, [m], first.key)).toEqual(first);
      const later = { now: () => new Date(Date.now() + 73 * 3_600_000) };
      const pruned = await pruneIdempotencyKeys(db, later, 72);
      expect(kept.keys).toBe(0);
      expect(pruned.keys).toBeGreaterThan(0);
      const left = await db.rows(sql`select 1 from idempotency_keys where key = ${first.key}`);
      expect(left).toEqual([]);
    });

    it('counts outcomes per table in the Prometheus metrics', async () => {
      const res = await t.app.request('/metrics');
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/write_mutations_total\{outcome="applied",table="leads"\} \d+/);
      expect(text).toMatch(/write_mutations_total\{outcome="conflict",table="leads"\} \d+/);
      expect(text).toContain('write_mutations_total{outcome="rejected",table="unknown"} 1');
      expect(text).toContain('write_batch_duration_seconds_count');
    });

    it('applies two identical racing requests once', async () => {
      const id = await newLead();
      const m = mutation.update('leads', id, { score: 42 }, { score: 0 });
      const key = crypto.randomUUID();
      const [a, b] = await Promise.all([postWrite(t.app, owner.headers, [m], key), postWrite(t.app, owner.headers, [m], key)]);
      expect(a).toEqual(b);
      const ledger = await db.rows<{ n: number }>(sql`select count(*)::int as n from write_mutations where id = ${m.id}`);
      expect(ledger[0]?.n).toBe(1);
    });
  });
}
