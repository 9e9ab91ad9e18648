import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { eventually } from '../shapes/test-client.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import { describePg, postgresEngine } from '../testing/db.ts';
import { mutation, postWrite, stamp, type WireMutation } from '../testing/mutations.ts';

/*
 * Two uploads touching the same row at once, on real Postgres (PGlite runs
 * one transaction at a time). A barrier makes the race happen every time:
 * a third connection holds an exclusive lock on the table, both batches
 * start and block on it (the test waits until the database shows two
 * waiters, nothing is timed), then the lock goes and both run at once.
 */
describePg('write races on Postgres', () => {
  const ITERATIONS = 8;
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let owner: SignedIn;
  let ownerId: string;
  let admin: postgres.Sql;

  beforeAll(async () => {
    db = await postgresEngine.open();
    await seedDemo(db);
    t = buildTestApp(db);
    owner = await signIn(t.app, 'owner@acme.test');
    ownerId = (await db.rows<{ id: string }>(sql`select id from "user" where email = 'owner@acme.test'`))[0]?.id ?? '';
    admin = postgres(db.url ?? '', { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await db?.close();
  });

  /** Sends two batches at once through the barrier on `table`; answers their results, in order. */
  async function race(table: string, a: WireMutation, b: WireMutation) {
    const waiting = async () =>
      (await db.rows<{ n: number }>(sql`select count(*)::int as n from pg_locks
        where not granted and database = (select oid from pg_database where datname = current_database())`))[0]?.n ?? 0;
    const barrier = await admin.reserve();
    try {
      await barrier`begin`;
      await barrier.unsafe(`lock table ${table} in exclusive mode`);
      const sent = [postWrite(t.app, owner.headers, [a]), postWrite(t.app, owner.headers, [b])];
      await eventually(async () => (await waiting()) >= 2, 20_000, 'both batches waiting at the barrier');
      await barrier`commit`;
      const [ra, rb] = await Promise.all(sent);
      return [ra?.body.results[0], rb?.body.results[0]];
    } finally {
      barrier.release();
    }
  }

  const entry = (id: string, note: string) => ({ id, user_id: ownerId, clock_in_at: '2026-11-22T08:00:00Z', note });
  const timeEntry = async (id: string) => db.rows<{ note: string; hlc: string }>(sql`select note, hlc from time_entries where id = ${id}`);

  it('keeps the newest stamp when two devices create the same time entry at once', async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const id = crypto.randomUUID();
      const older = mutation.insert('time_entries', entry(id, 'older'), stamp(1000 + i, 0, 'phone'));
      const newer = mutation.insert('time_entries', entry(id, 'newer'), stamp(2000 + i, 0, 'tablet'));
      // Both orders: the newer create first and last.
      const results = i % 2 === 0 ? await race('time_entries', older, newer) : await race('time_entries', newer, older);
      for (const r of results) expect(r).toMatchObject({ status: 'applied' });
      expect(await timeEntry(id)).toEqual([{ note: 'newer', hlc: newer.hlc }]);
    }
  });

  it('keeps an acknowledged delete of an absent time entry against an older create racing it', async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const id = crypto.randomUUID();
      const create = mutation.insert('time_entries', entry(id, 'older'), stamp(1000 + i, 0, 'phone'));
      const del = mutation.delete('time_entries', id, {}, stamp(2000 + i, 0, 'tablet'));
      const results = i % 2 === 0 ? await race('time_entries', create, del) : await race('time_entries', del, create);
      for (const r of results) expect(r).toMatchObject({ status: 'applied' });
      expect(await timeEntry(id)).toEqual([]);
    }
  });

  it('merges two creates of the same field-merge row at once: one applies, the other conflicts, none is refused', async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const id = crypto.randomUUID();
      const a = mutation.insert('leads', { id, name: 'From the phone' });
      const b = mutation.insert('leads', { id, name: 'From the tablet' });
      const results = await race('leads', a, b);
      expect(results.map((r) => r?.status).sort()).toEqual(['applied', 'conflict']);
      const [row] = await db.rows<{ name: string; write_id: string }>(sql`select name, write_id from leads where id = ${id}`);
      const winner = results[0]?.status === 'applied' ? a : b;
      expect(row).toEqual({ name: winner.values.name, write_id: winner.id });
    }
  });
});
