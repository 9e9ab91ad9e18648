/*
 * Properties: devices edit shared rows offline, then upload in a random
 * interleaving with duplicated requests, lost responses (retried under the
 * same key) and crashed devices (the batch rebuilt under a new key).
 * Afterwards every mutation is accounted for exactly once, the server equals
 * a reference model of PROTOCOL.md's rules, and replaying every request again
 * changes nothing. Last-writer-wins rows end the same in any upload order.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantPrincipal } from '../auth/principal.ts';
import { resolvePrincipal } from '../auth/resolve-principal.ts';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { captureLogger, testClock } from '../testing/app.ts';
import type { TestEngine } from '../testing/db.ts';
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

/** Cuts a device's outbox into batches of up to 3, each with its own key. */
function batches(device: number, mutations: Mutation[]): Request[] {
  const out: Request[] = [];
  for (let i = 0; i < mutations.length; i += 3) {
    out.push({ key: crypto.randomUUID(), batch: { clientId: `dev${device}`, mutations: mutations.slice(i, i + 3) } });
  }
  return out;
}

/** One device's offline edits, as its local store would queue them (base = what it saw before each edit). */
function mergeEdits(device: number, rows: string[], initial: Map<string, Row>, edits: { row: number; field: Field; pick: number }[]): Mutation[] {
  const view = new Map([...initial].map(([id, r]) => [id, { ...r }]));
  return edits.map((e, i) => {
    const id = rows[e.row % rows.length] ?? '';
    const seen = view.get(id) as Row;
    const value = e.field === 'status' ? (STATUSES[e.pick % STATUSES.length] ?? 'new') : `d${device}-${e.pick % 3}`;
    const m: Mutation = { id: crypto.randomUUID(), table: 'leads', op: 'update', pk: { id }, values: { [e.field]: value }, base: { [e.field]: seen[e.field] }, hlc: stamp(1000 + i, 0, `dev${device}`) };
    seen[e.field] = value;
    return m;
  });
}

/** The reference model of the merge rules: mutations in first-arrival order, each applied at most once. */
function mergeModel(initial: Map<string, Row>, order: Mutation[]): Map<string, Row> {
  const state = new Map([...initial].map(([id, r]) => [id, { ...r }]));
  const seen = new Set<string>();
  for (const m of order) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    const row = state.get(m.pk.id) as Row;
    const [field, mine] = Object.entries(m.values)[0] as [Field, string];
    if (row[field] === mine) continue;
    if (row[field] === m.base[field]) row[field] = mine;
  }
  return state;
}

/**
 * Uploads the devices' queues in a random interleaving (each device in its
 * own order). A die decides per request: delivered once, delivered twice
 * (lost response or duplicate delivery, same key), or lost with the device
 * crashing, which then resends the same mutations under a new key.
 */
async function upload(queues: Request[][], dice: number[], send: (r: Request) => Promise<{ replayed: boolean; body: unknown }>): Promise<Request[]> {
  const sent: Request[] = [];
  let roll = 0;
  const die = () => dice[roll++ % dice.length] ?? 0;
  const heads = queues.map(() => 0);
  while (heads.some((h, i) => h < (queues[i]?.length ?? 0))) {
    const live = heads.map((_, i) => i).filter((i) => (heads[i] ?? 0) < (queues[i]?.length ?? 0));
    const d = live[die() % live.length] ?? 0;
    const req = queues[d]?.[heads[d] ?? 0] as Request;
    const first = await send(req);
    sent.push(req);
    const fate = die() % 4;
    if (fate === 1) {
      expect((await send(req)).body).toEqual(first.body);
    } else if (fate === 2) {
      const rebuilt = { key: crypto.randomUUID(), batch: req.batch };
      const again = (await send(rebuilt)).body as { results: { status: string }[] };
      expect(again.results.every((r) => r.status === 'duplicate')).toBe(true);
      sent.push(rebuilt);
    }
    heads[d] = (heads[d] ?? 0) + 1;
  }
  return sent;
}

export function writePropertiesSuite(engine: TestEngine) {
  describe(`write path properties on ${engine.kind}`, () => {
    let db: Database;
    let principal: TenantPrincipal;
    let orgId: string;
    const clock = testClock();

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      const [u] = await db.rows<{ id: string; email: string; name: string; org: string }>(sql`
        select u.id, u.email, u.name, m.organization_id as org from "user" u join member m on m.user_id = u.id where u.email = 'owner@acme.test'`);
      principal = (await resolvePrincipal(db, clock, { sessionId: 's', userId: u?.id ?? '', email: u?.email ?? '', name: u?.name ?? '', activeOrganizationId: u?.org })) as TenantPrincipal;
      orgId = principal.orgId;
    });
    afterAll(async () => {
      await db.close();
    });

    const send = (r: Request) => applyWriteBatch({ db, clock, maxClockSkewMs: 60_000, log: captureLogger() }, principal, r.key, r.batch, bodyHash(r.batch), null);
    const ledger = async (ids: string[]) =>
      db.rows<{ id: string; status: string }>(
        sql`select id, outcome->>'status' as status from write_mutations where id = any(${`{${ids.join(',')}}`}::uuid[])`,
      );

    it('accounts for every mutation once and converges to the merge model under reordering, duplication, lost responses and crashes', async () => {
      const edit = fc.record({ row: fc.nat(2), field: fc.constantFrom(...FIELDS), pick: fc.nat(5) });
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(edit, { minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 3 }),
          fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
          async (devices, dice) => {
            const rows = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
            const initial = new Map(rows.map((id): [string, Row] => [id, { phone: 'p0', status: 'new', source: 's0' }]));
            for (const id of rows) {
              await db.rows(sql`insert into leads (id, org_id, name, phone, status, source) values (${id}, ${orgId}, 'P', 'p0', 'new', 's0')`);
            }
            const queues = devices.map((edits, d) => batches(d, mergeEdits(d, rows, initial, edits)));
            const sent = await upload(queues, dice, send);
            // Requests were processed in `sent` order; the first time a mutation id arrives is when it counts.
            const arrival = sent.flatMap((r) => r.batch.mutations);
            // (a) each mutation has exactly one ledger entry with a final outcome
            const ids = queues.flat().flatMap((r) => r.batch.mutations.map((m) => m.id));
            const entries = await ledger(ids);
            expect(entries.map((l) => l.id).sort()).toEqual([...ids].sort());
            for (const l of entries) expect(['applied', 'conflict', 'rejected']).toContain(l.status);
            // (b) the server equals the model
            const expected = mergeModel(initial, arrival);
            const actual = async () =>
              new Map(
                (await db.rows<Row & { id: string }>(sql`select id, phone, status, source from leads where id = any(${`{${rows.join(',')}}`}::uuid[])`)).map(
                  (r): [string, Row] => [r.id, { phone: r.phone, status: r.status, source: r.source }],
                ),
              );
            expect(await actual()).toEqual(expected);
            // (c) replaying every request again changes nothing
            for (const r of sent) expect((await send(r)).replayed).toBe(true);
            expect(await actual()).toEqual(expected);
          },
        ),
        { numRuns: 25 },
      );
    });

    it('ends last-writer-wins rows at the newest stamp (a delete included) whatever the upload order, duplicates and crashes', async () => {
      const write = fc.record({ op: fc.constantFrom('insert', 'update', 'delete'), ms: fc.nat(50), note: fc.nat(9) });
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(write, { minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 3 }),
          fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
          async (devices, dice) => {
            const id = crypto.randomUUID();
            const all: Mutation[] = [];
            const queues = devices.map((writes, d) => {
              const ms = writes.map((w, i): Mutation => ({
                id: crypto.randomUUID(),
                table: 'time_entries',
                op: w.op as Mutation['op'],
                pk: { id },
                // Clients send the whole row on last-writer-wins tables.
                values: w.op === 'delete' ? {} : { id, user_id: principal.userId, clock_in_at: '2026-11-22T08:00:00Z', note: `dev${d}-${w.note}` },
                base: {},
                hlc: stamp(1_000 + w.ms, i, `dev${d}`),
              }));
              all.push(...ms);
              return batches(d, ms);
            });
            const sent = await upload(queues, dice, send);
            const entries = await ledger(all.map((m) => m.id));
            expect(entries).toHaveLength(all.length);
            for (const l of entries) expect(l.status).toBe('applied');
            const winner = [...all].sort((a, b) => ((a.hlc ?? '') < (b.hlc ?? '') ? 1 : -1))[0];
            const state = async () => db.rows<{ note: string; hlc: string }>(sql`select note, hlc from time_entries where id = ${id}`);
            const expected = winner?.op === 'delete' ? [] : [{ note: winner?.values.note, hlc: winner?.hlc }];
            expect(await state()).toEqual(expected);
            for (const r of sent) expect((await send(r)).replayed).toBe(true);
            expect(await state()).toEqual(expected);
          },
        ),
        { numRuns: 100 },
      );
    });
  });
}
