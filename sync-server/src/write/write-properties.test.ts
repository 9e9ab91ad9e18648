/*
 * Property: devices edit shared rows offline, then upload in a random
 * interleaving with duplicated requests and lost responses (retried under
 * the same key). Afterwards every mutation is accounted for exactly once,
 * the server equals a reference model of PROTOCOL.md's rules, and
 * replaying every request again changes nothing.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantPrincipal } from '../auth/principal.ts';
import { resolvePrincipal } from '../auth/resolve-principal.ts';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { testClock } from '../testing/app.ts';
import { createTestPglite } from '../testing/db.ts';
import { stamp } from '../testing/mutations.ts';
import { applyWriteBatch, bodyHash } from './batch.ts';
import type { Batch, Mutation } from './types.ts';

const FIELDS = ['phone', 'status', 'source'] as const;
type Field = (typeof FIELDS)[number];
const STATUSES = ['new', 'contacted', 'qualified'];
type Row = Record<Field, string>;

interface Request {
  key: string;
  batch: Batch;
}

/** One device's offline edits, as its local store would queue them (base = what it saw before each edit). */
function deviceRequests(device: number, rows: string[], initial: Map<string, Row>, edits: { row: number; field: Field; pick: number }[]): Request[] {
  const view = new Map([...initial].map(([id, r]) => [id, { ...r }]));
  const mutations: Mutation[] = edits.map((e, i) => {
    const id = rows[e.row % rows.length] ?? '';
    const seen = view.get(id) as Row;
    const value = e.field === 'status' ? (STATUSES[e.pick % STATUSES.length] ?? 'new') : `d${device}-${e.pick % 3}`;
    const m: Mutation = { id: crypto.randomUUID(), table: 'leads', op: 'update', pk: { id }, values: { [e.field]: value }, base: { [e.field]: seen[e.field] }, hlc: stamp(1000 + i, 0, `dev${device}`) };
    seen[e.field] = value;
    return m;
  });
  // The outbox uploads in order, in batches of up to 3.
  const out: Request[] = [];
  for (let i = 0; i < mutations.length; i += 3) out.push({ key: crypto.randomUUID(), batch: { clientId: `dev${device}`, mutations: mutations.slice(i, i + 3) } });
  return out;
}

/** The reference model of the merge rules: mutations in first-arrival order, each applied at most once. */
function model(initial: Map<string, Row>, order: Mutation[]): Map<string, Row> {
  const state = new Map([...initial].map(([id, r]) => [id, { ...r }]));
  const seen = new Set<string>();
  for (const m of order) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    const row = state.get(m.pk.id) as Row;
    const [field, mine] = Object.entries(m.values)[0] as [Field, string];
    const server = row[field];
    if (server === mine) continue;
    if (server === m.base[field]) row[field] = mine;
  }
  return state;
}

describe('write path properties (PGlite)', () => {
  let db: Database;
  let principal: TenantPrincipal;
  const clock = testClock();
  const deps = () => ({ db, clock, maxClockSkewMs: 60_000 });

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    const [u] = await db.rows<{ id: string; email: string; name: string; org: string }>(sql`
      select u.id, u.email, u.name, m.organization_id as org from "user" u join member m on m.user_id = u.id where u.email = 'owner@acme.test'`);
    const p = await resolvePrincipal(db, clock, { sessionId: 's', userId: u?.id ?? '', email: u?.email ?? '', name: u?.name ?? '', activeOrganizationId: u?.org });
    principal = p as TenantPrincipal;
  });
  afterAll(async () => {
    await db.close();
  });

  const send = (r: Request) => applyWriteBatch(deps(), principal, r.key, r.batch, bodyHash(JSON.stringify(r.batch)), null);

  it('accounts for every mutation once and converges to the model under reordering, duplication and lost responses', async () => {
    const edit = fc.record({ row: fc.nat(2), field: fc.constantFrom(...FIELDS), pick: fc.nat(5) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(edit, { minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
        async (devices, dice) => {
          const rows = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
          const initial = new Map(rows.map((id): [string, Row] => [id, { phone: 'p0', status: 'new', source: 's0' }]));
          const [org] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
          for (const id of rows) {
            await db.rows(sql`insert into leads (id, org_id, name, phone, status, source) values (${id}, ${org?.id ?? ''}, 'P', 'p0', 'new', 's0')`);
          }
          const queues = devices.map((edits, d) => deviceRequests(d, rows, initial, edits));
          const all = queues.flat();
          // Interleave devices randomly; each device keeps its own order. Some responses are lost
          // (the request is sent again later, same key); some requests are duplicated outright.
          const arrival: Mutation[] = [];
          let roll = 0;
          const die = () => dice[roll++ % dice.length] ?? 0;
          const heads = queues.map(() => 0);
          while (heads.some((h, i) => h < (queues[i]?.length ?? 0))) {
            const live = heads.map((h, i) => i).filter((i) => (heads[i] ?? 0) < (queues[i]?.length ?? 0));
            const d = live[die() % live.length] ?? 0;
            const req = queues[d]?.[heads[d] ?? 0] as Request;
            const first = await send(req);
            if (!first.replayed) arrival.push(...req.batch.mutations);
            if (die() % 3 === 0) {
              const again = await send(req); // lost response or duplicate delivery
              expect(again.body).toEqual(first.body);
            }
            heads[d] = (heads[d] ?? 0) + 1;
          }
          // (a) each mutation has exactly one ledger entry with a final outcome
          const ids = all.flatMap((r) => r.batch.mutations.map((m) => m.id));
          const ledger = await db.rows<{ id: string; status: string }>(
            sql`select id, outcome->>'status' as status from write_mutations where id = any(${`{${ids.join(',')}}`}::uuid[])`,
          );
          expect(ledger.map((l) => l.id).sort()).toEqual([...ids].sort());
          for (const l of ledger) expect(['applied', 'conflict', 'rejected']).toContain(l.status);
          // (b) the server equals the model
          const expected = model(initial, arrival);
          const actual = async () =>
            new Map(
              (await db.rows<Row & { id: string }>(sql`select id, phone, status, source from leads where id = any(${`{${rows.join(',')}}`}::uuid[])`)).map(
                (r): [string, Row] => [r.id, { phone: r.phone, status: r.status, source: r.source }],
              ),
            );
          expect(await actual()).toEqual(expected);
          // (c) replaying every request changes nothing
          for (const r of all) expect((await send(r)).replayed).toBe(true);
          expect(await actual()).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('ends last-writer-wins rows in the same state whatever the upload order', async () => {
    const [w] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'owner@acme.test'`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(1000), { minLength: 2, maxLength: 6 }), fc.nat(), async (times, seed) => {
        const id = crypto.randomUUID();
        const mutations = times.map((ms, i): Mutation => ({
          id: crypto.randomUUID(),
          table: 'time_entries',
          op: i === 0 ? 'insert' : 'update',
          pk: { id },
          values: { id, user_id: w?.id, clock_in_at: '2026-11-22T08:00:00Z', note: `n${i}` },
          base: {},
          hlc: stamp(1_000 + ms, i, 'dev'),
        }));
        const winner = [...mutations].sort((a, b) => ((a.hlc ?? '') < (b.hlc ?? '') ? 1 : -1))[0];
        const shuffled = [...mutations].sort((a, b) => ((a.id + seed) < (b.id + seed) ? -1 : 1));
        for (const m of shuffled) await send({ key: crypto.randomUUID(), batch: { mutations: [m] } });
        const [row] = await db.rows<{ note: string }>(sql`select note from time_entries where id = ${id}`);
        expect(row?.note).toBe(winner?.values.note);
      }),
      { numRuns: 20 },
    );
  });
});
