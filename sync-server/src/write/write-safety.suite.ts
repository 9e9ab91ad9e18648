import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite, stamp } from '../testing/mutations.ts';

type Result = Record<string, unknown>;

/**
 * Crash safety, transient failures, tenant references, worker ownership and
 * last-writer-wins tombstones: the ways a write could be lost, doubled or
 * leak across tenants. Faults are injected in the real database (triggers),
 * never by mocking our code.
 */
export function writeSafetySuite(engine: TestEngine) {
  describe(`write path safety on ${engine.kind}`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let owner: SignedIn;
    let worker: SignedIn;
    let globex: SignedIn;
    let ownerId: string;
    let workerId: string;

    const leadRows = (id: string) => db.rows<Result>(sql`select * from leads where id = ${id}`);
    const ledgerCount = async (mutationId: string) =>
      (await db.rows<{ n: number }>(sql`select count(*)::int as n from write_mutations where id = ${mutationId}`))[0]?.n;
    const userId = async (email: string) =>
      (await db.rows<{ id: string }>(sql`select id from "user" where email = ${email}`))[0]?.id ?? '';

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db);
      [owner, worker, globex] = await Promise.all([
        signIn(t.app, 'owner@acme.test'),
        signIn(t.app, 'worker@acme.test'),
        signIn(t.app, 'owner@globex.test'),
      ]);
      [ownerId, workerId] = await Promise.all([userId('owner@acme.test'), userId('worker@acme.test')]);
    });
    afterAll(async () => {
      await db.close();
    });

    it('commits nothing when the batch fails before commit, and the retry with the same key applies once', async () => {
      const id = crypto.randomUUID();
      const m = mutation.insert('leads', { id, name: 'Crash test' });
      const key = crypto.randomUUID();
      // The server "crashes" while storing the answer, after the row was written in the transaction.
      await db.rows(sql.raw(`create function crash_once() returns trigger language plpgsql as $$
        begin if new.key = '${key}' and new.status_code <> 0 then raise exception 'simulated crash'; end if; return new; end $$`));
      await db.rows(sql`create trigger crash_once before update on idempotency_keys for each row execute function crash_once()`);
      const crashed = await postWrite(t.app, owner.headers, [m], key);
      expect(crashed.status).toBe(500);
      expect(await leadRows(id)).toEqual([]);
      expect(await ledgerCount(m.id)).toBe(0);
      await db.rows(sql`drop trigger crash_once on idempotency_keys`);
      await db.rows(sql`drop function crash_once()`);

      const retried = await postWrite(t.app, owner.headers, [m], key);
      expect(retried.body.results).toEqual([{ id: m.id, status: 'applied' }]);
      expect((await leadRows(id))[0]?.write_id).toBe(m.id);
      expect(await ledgerCount(m.id)).toBe(1);
    });

    it('returns the original response when the response was lost after commit, and a rebuilt batch answers duplicate', async () => {
      const id = crypto.randomUUID();
      const m = mutation.insert('leads', { id, name: 'Lost response', score: 1 });
      const key = crypto.randomUUID();
      const lost = await postWrite(t.app, owner.headers, [m], key); // the client never sees this answer
      await db.rows(sql`update leads set score = 50 where id = ${id}`); // the world moves on
      const retried = await postWrite(t.app, owner.headers, [m], key);
      expect(retried).toEqual(lost);
      const other = mutation.update('leads', id, { notes: 'later' }, { notes: null });
      const rebuilt = await postWrite(t.app, owner.headers, [m, other]); // new key, same mutation id
      expect(rebuilt.body.results).toEqual([
        { id: m.id, status: 'duplicate', original: { status: 'applied' } },
        { id: other.id, status: 'applied' },
      ]);
      expect((await leadRows(id))[0]).toMatchObject({ score: 50, notes: 'later' });
    });

    it('accepts the same key and content serialised differently, and refuses it from another user', async () => {
      const id = crypto.randomUUID();
      const m = mutation.insert('leads', { id, name: 'Canonical' });
      const key = crypto.randomUUID();
      const first = await postWrite(t.app, owner.headers, [m], key);
      const reordered = JSON.stringify({ mutations: [{ values: m.values, base: {}, pk: m.pk, op: m.op, table: m.table, id: m.id }], clientId: 'test-device' }, null, 2);
      const res = await t.app.request('/api/write', {
        method: 'POST',
        headers: { ...owner.headers, 'content-type': 'application/json', 'idempotency-key': key },
        body: reordered,
      });
      expect(await res.json()).toEqual(first.body);
      const manager = await signIn(t.app, 'manager@acme.test');
      const stolen = await postWrite(t.app, manager.headers, [m], key);
      expect(stolen.status).toBe(422);
      expect(stolen.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('runs the batch again after a serialization failure instead of rejecting the mutation', async () => {
      await db.rows(sql`create sequence fail_once_seq`);
      await db.rows(sql.raw(`create function fail_once() returns trigger language plpgsql security definer as $$
        begin if new.name = 'Transient' and nextval('fail_once_seq') = 1 then
          raise exception 'simulated serialization failure' using errcode = '40001'; end if; return new; end $$`));
      await db.rows(sql`create trigger fail_once before insert on leads for each row execute function fail_once()`);
      try {
        const id = crypto.randomUUID();
        const m = mutation.insert('leads', { id, name: 'Transient' });
        const r = await postWrite(t.app, owner.headers, [m]);
        expect(r.status).toBe(200);
        expect(r.body.results).toEqual([{ id: m.id, status: 'applied' }]);
        expect(await leadRows(id)).toHaveLength(1);
        expect(await ledgerCount(m.id)).toBe(1);
      } finally {
        await db.rows(sql`drop trigger fail_once on leads`);
        await db.rows(sql`drop function fail_once()`);
        await db.rows(sql`drop sequence fail_once_seq`);
      }
    });

    it('rejects only the mutation the database refuses, keeping the others of the batch', async () => {
      await db.rows(sql.raw(`create function refuse_boom() returns trigger language plpgsql as $$
        begin if new.name = 'Boom' then raise exception 'no booms' using errcode = '23514'; end if; return new; end $$`));
      await db.rows(sql`create trigger refuse_boom before insert on leads for each row execute function refuse_boom()`);
      try {
        const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
        const r = await postWrite(t.app, owner.headers, [
          mutation.insert('leads', { id: a, name: 'Before' }),
          mutation.insert('leads', { id: b, name: 'Boom' }),
          mutation.insert('leads', { id: c, name: 'After' }),
        ]);
        expect(r.body.results.map((x) => [x.status, x.code])).toEqual([
          ['applied', undefined],
          ['rejected', 'INVALID'],
          ['applied', undefined],
        ]);
        expect([(await leadRows(a)).length, (await leadRows(b)).length, (await leadRows(c)).length]).toEqual([1, 0, 1]);
      } finally {
        await db.rows(sql`drop trigger refuse_boom on leads`);
        await db.rows(sql`drop function refuse_boom()`);
      }
    });

    it('answers each insert of a run on its own: new, existing, invalid and conflicting ids', async () => {
      const [fresh1, same, bad, clash, fresh2] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      await postWrite(t.app, owner.headers, [
        mutation.insert('leads', { id: same, name: 'Same' }),
        mutation.insert('leads', { id: clash, name: 'Theirs' }),
      ]);
      const r = await postWrite(t.app, owner.headers, [
        mutation.insert('leads', { id: fresh1, name: 'One' }),
        mutation.insert('leads', { id: same, name: 'Same' }),
        mutation.insert('leads', { id: bad, name: 'Bad', email: 'nope' }),
        mutation.insert('leads', { id: clash, name: 'Mine' }),
        mutation.insert('leads', { id: fresh2, name: 'Two' }),
      ]);
      expect(r.body.results.map((x) => x.status)).toEqual(['applied', 'applied', 'rejected', 'conflict', 'applied']);
      const names = await db.rows<{ id: string; name: string }>(sql`select id, name from leads where id in (${fresh1}, ${same}, ${bad}, ${clash}, ${fresh2}) order by name`);
      expect(names.map((n) => n.name)).toEqual(['One', 'Same', 'Theirs', 'Two']);
      expect((await leadRows(fresh2))[0]?.write_id).toBe(r.body.results[4]?.id);
    });

    it("refuses a reference to another tenant's record exactly as one to a missing record", async () => {
      const theirs = crypto.randomUUID();
      const made = await postWrite(t.app, globex.headers, [mutation.insert('companies', { id: theirs, name: 'Globex Corp' })]);
      expect(made.body.results[0]?.status).toBe('applied');
      const [viaTheirs, viaMissing] = [crypto.randomUUID(), crypto.randomUUID()];
      const r = await postWrite(t.app, owner.headers, [
        mutation.insert('contacts', { id: viaTheirs, first_name: 'Spy', company_id: theirs }),
        mutation.insert('contacts', { id: viaMissing, first_name: 'Spy', company_id: crypto.randomUUID() }),
      ]);
      const strip = (x: Result | undefined) => ({ ...x, id: undefined });
      expect(r.body.results[0]).toMatchObject({ status: 'rejected', code: 'INVALID' });
      expect(strip(r.body.results[0])).toEqual(strip(r.body.results[1]));
      expect(await db.rows(sql`select 1 from contacts where id in (${viaTheirs}, ${viaMissing})`)).toEqual([]);
      // A reference inside the tenant is fine.
      const mine = crypto.randomUUID();
      const ok = await postWrite(t.app, owner.headers, [
        mutation.insert('companies', { id: mine, name: 'Acme Sub' }),
        mutation.insert('contacts', { id: crypto.randomUUID(), first_name: 'Ann', company_id: mine }),
      ]);
      expect(ok.body.results.map((x) => x.status)).toEqual(['applied', 'applied']);
    });

    it("keeps workers to their own time entries and away from unassigned records", async () => {
      const clockIn = '2026-11-22T08:00:00Z';
      const own = crypto.randomUUID();
      const forOwner = crypto.randomUUID();
      const r = await postWrite(t.app, worker.headers, [
        mutation.insert('time_entries', { id: own, user_id: workerId, clock_in_at: clockIn }, stamp(1000)),
        mutation.insert('time_entries', { id: forOwner, user_id: ownerId, clock_in_at: clockIn }, stamp(1000)),
        mutation.update('time_entries', own, { user_id: ownerId }, {}, stamp(2000)),
      ]);
      expect(r.body.results.map((x) => [x.status, x.code])).toEqual([
        ['applied', undefined],
        ['rejected', 'FORBIDDEN'],
        ['rejected', 'FORBIDDEN'],
      ]);
      const theirs = crypto.randomUUID();
      await postWrite(t.app, owner.headers, [mutation.insert('time_entries', { id: theirs, user_id: ownerId, clock_in_at: clockIn }, stamp(1000))]);
      const touch = await postWrite(t.app, worker.headers, [mutation.update('time_entries', theirs, { note: 'mine now' }, {}, stamp(5000))]);
      expect(touch.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
    });

    it('lets only deletes that took effect keep an older change from bringing a time entry back', async () => {
      const entry = (id: string) => ({ id, user_id: ownerId, clock_in_at: '2026-11-22T08:00:00Z' });
      const exists = async (id: string) => (await db.rows(sql`select 1 from time_entries where id = ${id}`)).length === 1;

      // A refused delete (the worker may not delete) is no tombstone.
      const a = crypto.randomUUID();
      const refused = await postWrite(t.app, worker.headers, [mutation.delete('time_entries', a, {}, stamp(9000))]);
      expect(refused.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' });
      const late = await postWrite(t.app, owner.headers, [mutation.insert('time_entries', entry(a), stamp(1000))]);
      expect(late.body.results[0]).toEqual({ id: expect.any(String), status: 'applied' });
      expect(await exists(a)).toBe(true);

      // A delete earlier in the same batch is one.
      const b = crypto.randomUUID();
      const sameBatch = await postWrite(t.app, owner.headers, [
        mutation.delete('time_entries', b, {}, stamp(5000)),
        mutation.insert('time_entries', entry(b), stamp(1000)),
      ]);
      expect(sameBatch.body.results[1]).toMatchObject({ status: 'applied', superseded: true });
      expect(await exists(b)).toBe(false);

      // A clamped delete stands at the clamped time, not at the stamp the device sent.
      const c = crypto.randomUUID();
      const t0 = t.clock.now().getTime();
      await postWrite(t.app, owner.headers, [mutation.insert('time_entries', entry(c), stamp(t0 - 1000))]);
      const ahead = await postWrite(t.app, owner.headers, [mutation.delete('time_entries', c, {}, stamp(t0 + 3_600_000))]);
      expect(ahead.body.results[0]).toMatchObject({ status: 'applied', clamped: { from: stamp(t0 + 3_600_000) } });
      t.clock.advance(2 * 3_600_000);
      const after = await postWrite(t.app, owner.headers, [mutation.insert('time_entries', entry(c), stamp(t0 + 1_800_000, 0, 'later'))]);
      expect(after.body.results[0]).toEqual({ id: expect.any(String), status: 'applied' });
      expect(await exists(c)).toBe(true);
    });

    it('compares what the client saw as the shape stream sends it: timestamps, numerics and jsonb as text', async () => {
      const id = crypto.randomUUID();
      await postWrite(t.app, owner.headers, [mutation.insert('tasks', { id, title: 'Call', due_at: '2026-11-22T10:00:00Z' })]);
      const lead = crypto.randomUUID();
      await postWrite(t.app, owner.headers, [mutation.insert('leads', { id: lead, name: 'L', value: '100', custom: { b: 1, a: [1, 2] } })]);
      const r = await postWrite(t.app, owner.headers, [
        mutation.update('tasks', id, { due_at: '2026-11-23T10:00:00Z' }, { due_at: '2026-11-22 11:00:00+01' }),
        mutation.update('leads', lead, { value: '200.5', custom: { a: [1, 2], b: 2 } }, { value: '100.00', custom: '{"a": [1, 2], "b": 1}' }),
      ]);
      expect(r.body.results.map((x) => x.status)).toEqual(['applied', 'applied']);
      const [row] = await db.rows<{ value: string; custom: unknown }>(sql`select value::text as value, custom from leads where id = ${lead}`);
      expect(row).toEqual({ value: '200.50', custom: { a: [1, 2], b: 2 } });
    });

    it('follows the tenant\'s own work-order transitions when its settings name them, and a same-status change is a no-op', async () => {
      const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
      const id = crypto.randomUUID();
      const made = await postWrite(t.app, owner.headers, [mutation.insert('work_orders', { id, number: `WO-T-${id.slice(0, 8)}`, title: 'Fix', status: 'scheduled' })]);
      expect(made.body.results[0]?.status).toBe('applied');
      const same = await postWrite(t.app, owner.headers, [mutation.update('work_orders', id, { status: 'scheduled' }, { status: 'scheduled' })]);
      expect(same.body.results[0]?.status).toBe('applied');
      await db.rows(sql`update organization set settings = settings || '{"workOrderTransitions": {"scheduled": ["done"]}}'::jsonb where id = ${acme?.id ?? ''}`);
      try {
        const done = await postWrite(t.app, owner.headers, [mutation.update('work_orders', id, { status: 'done' }, { status: 'scheduled' })]);
        expect(done.body.results[0]?.status).toBe('applied');
        const history = await db.rows<{ from_status: string | null; to_status: string }>(
          sql`select from_status, to_status from work_order_status_history where work_order_id = ${id} order by changed_at, from_status nulls first`,
        );
        expect(history).toEqual([
          { from_status: null, to_status: 'scheduled' },
          { from_status: 'scheduled', to_status: 'done' },
        ]);
      } finally {
        await db.rows(sql`update organization set settings = settings - 'workOrderTransitions' where id = ${acme?.id ?? ''}`);
      }
    });

    it('applies a mutation once when two batches with different keys race with it', async () => {
      const id = crypto.randomUUID();
      const m = mutation.insert('leads', { id, name: 'Raced' });
      const results = await Promise.all(
        Array.from({ length: 4 }, () => postWrite(t.app, owner.headers, [m, mutation.update('leads', id, { score: 1 }, { score: 0 })])),
      );
      const statuses = results.map((r) => r.body.results[0]?.status).sort();
      expect(statuses).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
      expect(await ledgerCount(m.id)).toBe(1);
    });
  });
}
